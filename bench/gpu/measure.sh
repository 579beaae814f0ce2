#!/usr/bin/env bash
# Runs on a GPU device machine, from the repository root, with the kit bench/gpu/pack.sh made carried as .gpu:
#   hark  — Hark's Vulkan backend: encoder ms per window and decoder ms per token, fp16, for $PRESETS
#   wcpp  — whisper.cpp built there with its Vulkan backend, on GGML f16 conversions of the same random models
# Results go to $OUT (the device tool brings them back) or ./gpu-results. Each part fits one 10-minute call.
# Usage: bash bench/gpu/measure.sh hark|wcpp   (PRESETS=tiny,base,small,large-v3 by default)
set -euo pipefail
part="${1:?hark or wcpp}"
kit="$PWD/.gpu"
out="${OUT:-$PWD/gpu-results}"
presets="${PRESETS:-tiny,base,small,large-v3}"
mkdir -p "$out"

# Debian's loader, glslc and headers unpacked aside (not over /), found through the library path.
vk=/tmp/vk
if [ ! -d "$vk/usr" ]; then
  mkdir -p "$vk" "$vk-headers"
  for deb in "$kit"/debs/*.deb; do dpkg -x "$deb" "$vk"; done
  for deb in "$kit"/headers/*.deb; do dpkg -x "$deb" "$vk-headers"; done
fi
export LD_LIBRARY_PATH="$vk/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ -z "${VK_DRIVER_FILES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; break; fi
  done
fi
[ -d /tmp/hark ] || tar -C /tmp -xJf "$kit/hark.txz"
# The image may lack ICU; the measurements need no culture data.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
hark() { /tmp/hark/Hark.Cli "$@"; }

# Random-weight models of the real shapes, with the real tokenizer; made once per machine.
model() {
  local preset="$1"
  [ -f "/tmp/models/$preset/model.safetensors" ] || hark dev random-model --preset "$preset" --dtype f16 --out "/tmp/models/$preset" --tokenizer "$kit/tokenizer" > /dev/null
  echo "/tmp/models/$preset"
}

case "$part" in
  hark)
    hark doctor --json > "$out/doctor.json" || true
    /tmp/hark/Hark.Bench engine --devices vulkan:0 --presets "$presets" --precisions fp16 --windows 3 --tokens 32 \
      --json "$out/hark-vulkan.json" 2>&1 | tee "$out/hark-vulkan.txt"
    ;;
  wcpp)
    src=/tmp/whisper.cpp
    if [ ! -x "$src/build/bin/whisper-bench" ]; then
      mkdir -p "$src" && tar -C "$src" -xzf "$kit/whisper.cpp.tgz"
      cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release -DGGML_VULKAN=ON -DWHISPER_BUILD_TESTS=OFF \
        -DVulkan_INCLUDE_DIR="$vk-headers/usr/include" -DVulkan_LIBRARY="$vk/usr/lib/x86_64-linux-gnu/libvulkan.so.1" \
        -DVulkan_GLSLC_EXECUTABLE="$vk/usr/bin/glslc" -DSPIRV-Headers_DIR="$vk/usr/share/cmake/SPIRV-Headers" > "$out/wcpp-cmake.txt" 2>&1
      cmake --build "$src/build" -j "$(nproc)" --target whisper-bench whisper-cli > "$out/wcpp-build.txt" 2>&1
    fi
    for preset in ${presets//,/ }; do
      folder="$(model "$preset")"
      hark convert "$folder" --to ggml -q f16 -o "/tmp/models/$preset-f16.bin" --force > /dev/null
      echo "== whisper.cpp Vulkan, $preset f16" | tee -a "$out/wcpp-vulkan.txt"
      # whisper-bench: encoder of one window, decoder steps, batched and prompt decoding, with their timings.
      "$src/build/bin/whisper-bench" -m "/tmp/models/$preset-f16.bin" -t 8 2>&1 | grep -E "time|ggml_vulkan|backend" | tee -a "$out/wcpp-vulkan.txt" || true
      if grep -q "ggml_vulkan: No devices found" "$out/wcpp-vulkan.txt"; then echo "whisper.cpp found no Vulkan GPU" >&2; exit 1; fi
    done
    ;;
  *) echo "unknown part $part (hark or wcpp)" >&2; exit 2 ;;
esac
