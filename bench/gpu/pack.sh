#!/usr/bin/env bash
# Packs into .gpu/ (ignored by .gitignore) what a session lent a GPU machine needs to measure the Vulkan backend there, since that
# machine has no .NET, no Vulkan loader and no network. The kit holds:
# - Hark.Cli and Hark.Bench, published self-contained for linux-x64;
# - Debian's Vulkan loader and, for whisper.cpp's Vulkan build, glslc with the Vulkan and SPIR-V headers;
# - the whisper-base tokenizer files and jfk.wav from ../shared/fixtures;
# - a whisper.cpp source tree, when WCPP_SRC names a git checkout of it.
# Then: device run with carry [".gpu"], command "bash bench/gpu/measure.sh hark" (and "… wcpp"); see measure.sh.
# Usage: [WCPP_SRC=/path/to/whisper.cpp] bench/gpu/pack.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
fixtures="${FIXTURES:-$root/../shared/fixtures}"
kit="$root/.gpu"
rm -rf "$kit"
mkdir -p "$kit/debs" "$kit/tokenizer"

publish="$(mktemp -d)"
trap 'rm -rf "$publish"' EXIT
for project in src/Hark.Cli bench/Hark.Bench; do
  dotnet publish "$root/$project" -c Release -r linux-x64 --self-contained -o "$publish/hark" -v q -nologo > /dev/null
done
# The carried tree is limited to 64 MiB: leave out what the GPU measurement never loads (ONNX Runtime, the chart
# renderer, the debugger's access library) and compress hard.
rm -f "$publish"/hark/{libonnxruntime*.so,libSkiaSharp.so,libHarfBuzzSharp.so,libmscordaccore.so,libmscordbi.so}
tar -C "$publish" -cJf "$kit/hark.txz" hark

(cd "$kit/debs" && apt-get download libvulkan1 glslc libshaderc1 spirv-headers > /dev/null 2>&1)
# whisper.cpp 1.9's Vulkan backend needs Vulkan headers newer than Debian 12's 1.3.239 (VK_EXT_layer_settings): take
# Debian 13's header package, through a private package list that leaves this machine's apt sources alone.
lists="$(mktemp -d)"
echo "deb http://deb.debian.org/debian trixie main" > "$lists/sources.list"
mkdir -p "$lists/state/partial" "$kit/headers"
apt_trixie=(-o Dir::Etc::sourcelist="$lists/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$lists/state")
apt-get "${apt_trixie[@]}" update > /dev/null 2>&1
(cd "$kit/headers" && apt-get "${apt_trixie[@]}" download libvulkan-dev > /dev/null 2>&1)
rm -rf "$lists"
cp "$fixtures/hf/whisper-base/"{vocab.json,merges.txt,added_tokens.json,special_tokens_map.json,tokenizer_config.json,normalizer.json} "$kit/tokenizer/"
cp "$fixtures/audio/jfk.wav" "$kit/"
if [ -n "${WCPP_SRC:-}" ]; then
  git -C "$WCPP_SRC" archive --format=tar.gz -o "$kit/whisper.cpp.tgz" HEAD
fi
du -sh "$kit"
ls -la "$kit"
