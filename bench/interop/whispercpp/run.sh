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
audio="${AUDIO:-$root/../shared/fixtures/audio/jfk.wav}"
tokenizer="${TOKENIZER:-$root/../shared/fixtures/hf/whisper-base}"
mkdir -p "$work"

# CMake puts the shared libraries in bin/ (recent releases) or src/ and ggml/src/ (older ones).
libs=()
for d in bin src ggml/src; do libs+=(-L"$WCPP_LIB/$d" -Wl,-rpath,"$WCPP_LIB/$d"); done
g++ -O2 -std=c++17 "$here/wcpp_logits.cpp" -I"$WCPP_SRC/include" -I"$WCPP_SRC/ggml/include" "${libs[@]}" -lwhisper -o "$work/wcpp_logits"
dotnet build -c Release "$root/src/Hark.Cli" -v q -nologo > /dev/null
dotnet build -c Release "$root/bench/Hark.Bench" -v q -nologo > /dev/null
hark() { dotnet "$root/src/Hark.Cli/bin/Release/net10.0/Hark.Cli.dll" "$@"; }
bench() { dotnet "$root/bench/Hark.Bench/bin/Release/net10.0/Hark.Bench.dll" "$@"; }

for preset in $presets; do
  hf="$work/$preset-hf"
  [ -f "$hf/model.safetensors" ] || hark dev random-model --preset "$preset" --out "$hf" --tokenizer "$tokenizer"
  for t in $types; do
    ggml="$work/$preset-$t.bin"
    hark convert "$hf" --to ggml -q "$t" -o "$ggml" --force > /dev/null
    # Hark runs the nearest precision it has: fp32, fp16, or int8 for the quantized types.
    case "$t" in f32) precision=float32 ;; f16) precision=float16 ;; *) precision=int8 ;; esac
    dump="$work/$preset-$t"
    echo "== $preset, ggml $t vs Hark $precision"
    bench logits --dump --model "$hf" --audio "$audio" --out "$dump" --steps 8 --precision "$precision"
    rm -f "$dump/other_encoder.bin"
    "$work/wcpp_logits" "$ggml" "$dump" 8 2>/dev/null
    bench logits --compare --out "$dump"
  done
done
