#!/usr/bin/env bash
# Cross-checks Hark's GGML conversion against whisper.cpp: for each preset and type, a random-weight model is converted
# with `hark convert --to ggml`, whisper.cpp encodes the mel features Hark computed and decodes greedily after the
# same prompt, and both runtimes' logits are compared step by step.
#
# Needs a whisper.cpp build: WCPP_SRC=/path/to/whisper.cpp (for include/ and ggml/include/) WCPP_LIB=/path/to/build
# (holding libwhisper.so and libggml*.so).
# Usage: bench/interop/whispercpp/run.sh [presets] [types]   (default: "tiny base" "f32 f16 q8_0");
# WCPP_FLASH_ATTN=0 runs whisper.cpp without flash attention (float32 attention).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
: "${WCPP_SRC:?set WCPP_SRC to a whisper.cpp source tree}"
: "${WCPP_LIB:?set WCPP_LIB to a whisper.cpp build folder}"
presets="${1:-tiny base}"
types="${2:-f32 f16 q8_0}"
work="${WORK:-$root/artifacts/interop/whispercpp}"
source "$here/../common.sh"

# CMake puts the shared libraries in bin/ (recent releases) or src/ and ggml/src/ (older ones).
libs=()
for d in bin src ggml/src; do libs+=(-L"$WCPP_LIB/$d" -Wl,-rpath,"$WCPP_LIB/$d"); done
g++ -O2 -std=c++17 "$here/wcpp_logits.cpp" -I"$WCPP_SRC/include" -I"$WCPP_SRC/ggml/include" "${libs[@]}" -lwhisper -o "$work/wcpp_logits"
quiet() { "$@" 2> /dev/null; }   # whisper.cpp logs its loading on stderr

for preset in $presets; do
  hf="$(random_model "$preset")"
  for t in $types; do
    ggml="$work/$preset-$t.bin"
    hark convert "$hf" --to ggml -q "$t" -o "$ggml" --force > /dev/null
    # Hark runs the nearest precision it has: fp32, fp16, or int8 for the quantized types.
    case "$t" in f32) precision=float32 ;; f16) precision=float16 ;; *) precision=int8 ;; esac
    echo "== $preset, ggml $t vs Hark $precision"
    compare_with "$hf" "$precision" "$work/$preset-$t" quiet "$work/wcpp_logits" "$ggml" "$work/$preset-$t" 8
  done
done
