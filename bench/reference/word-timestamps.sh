#!/usr/bin/env bash
# Regenerates tests/Hark.Tests/Transcription/Data/word-timestamps/*.json with openai-whisper itself.
# Needs: python3 with torch (Debian: apt-get install python3-torch python3-regex python3-tqdm), ffmpeg, and
# openai-whisper's source: OPENAI_WHISPER=<folder holding whisper/> (git clone https://github.com/openai/whisper).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fixtures=${HARK_FIXTURES:-$root/../shared/fixtures}
: "${OPENAI_WHISPER:?set OPENAI_WHISPER to a checkout of github.com/openai/whisper}"
python=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$root/tests/Hark.Tests/Transcription/Data/word-timestamps
mkdir -p "$out"

dotnet run -c Release --no-build --project "$root/src/Hark.Cli" -- dev random-model --preset test --seed 7 --pytorch-bin \
    --tokenizer "$fixtures/hf/whisper-base" --out "$work/model" > /dev/null
audio=("$fixtures/audio/jfk.wav" "$fixtures/audio/espeak/longform.wav")
export PYTHONPATH="$here/standins:$OPENAI_WHISPER"

# With alignment heads: two heads that are not openai's fallback (which is every head of decoder layer 1 here).
"$python" - "$work/model/generation_config.json" <<'PY'
import json, sys
p = sys.argv[1]; g = json.load(open(p)); g["alignment_heads"] = [[0, 1], [1, 0]]; json.dump(g, open(p, "w"), indent=2)
PY
"$python" "$here/openai_word_timestamps.py" "$work/model" "$out/with-heads.json" "${audio[@]}"
"$python" "$here/openai_word_timestamps.py" "$work/model" "$out/hallucination-silence.json" "${audio[1]}" --hallucination-silence-threshold 2

# Without: the key removed, so openai falls back to its default heads.
"$python" - "$work/model/generation_config.json" <<'PY'
import json, sys
p = sys.argv[1]; g = json.load(open(p)); g.pop("alignment_heads", None); json.dump(g, open(p, "w"), indent=2)
PY
"$python" "$here/openai_word_timestamps.py" "$work/model" "$out/without-heads.json" "${audio[@]}"
ls -l "$out"
