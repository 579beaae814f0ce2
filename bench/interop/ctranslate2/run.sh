#!/usr/bin/env bash
# Cross-checks Hark's CTranslate2 conversion against CTranslate2 itself (the engine faster-whisper runs): for each
# preset and quantization, a random-weight model is converted with `hark convert --to ct2`, CTranslate2 encodes the
# same window and decodes greedily, and both runtimes' encoder outputs and logits are compared.
#
# Needs a CTranslate2 build (headers + libctranslate2.so): CT2_SRC=/path/to/CTranslate2 CT2_LIB=/path/to/build.
# Usage: bench/interop/ctranslate2/run.sh [presets] [quantizations]   (default: "tiny base" "float32 float16 int8")
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
: "${CT2_SRC:?set CT2_SRC to a CTranslate2 source tree (for its include/)}"
: "${CT2_LIB:?set CT2_LIB to the folder holding libctranslate2.so}"
presets="${1:-tiny base}"
quantizations="${2:-float32 float16 int8}"
work="${WORK:-$root/artifacts/interop/ctranslate2}"
source "$here/../common.sh"

g++ -O2 -std=c++17 "$here/ct2_logits.cpp" -I"$CT2_SRC/include" -L"$CT2_LIB" -lctranslate2 -Wl,-rpath,"$CT2_LIB" -o "$work/ct2_logits"
quiet() { "$@" 2>&1 | grep -v "\[warning\]" || true; }   # CT2 warns when it widens float16/int8 to float32

for preset in $presets; do
  hf="$(random_model "$preset")"
  for q in $quantizations; do
    ct2="$work/$preset-ct2-$q"
    hark convert "$hf" --to ct2 -q "$q" -o "$ct2" --force > /dev/null
    # Hark runs the precision the conversion stores; int8 conversions hold int8_float32 weights.
    case "$q" in float16) precision=float16 ;; int8*) precision=int8 ;; *) precision=float32 ;; esac
    echo "== $preset, ct2 $q vs Hark $precision"
    compare_with "$hf" "$precision" "$work/$preset-$q" quiet "$work/ct2_logits" "$ct2" "$work/$preset-$q" 8
  done
done
