#!/usr/bin/env bash
# Replays each defect of issue #17 against two builds of `hark` and says, per build, whether the defect shows.
# Usage: bench/hostile/before-after.sh OLD_HARK NEW_HARK [WORK_DIR]
#   OLD_HARK  the CLI before the fixes (e.g. a build of 65865a2: git worktree add ../old 65865a2 && dotnet build
#             ../old/src/Hark.Cli -c Release, then ../old/src/Hark.Cli/bin/Release/net10.0/Hark.Cli)
#   NEW_HARK  the CLI under test (src/Hark.Cli/bin/Release/net10.0/Hark.Cli)
# Prints one row per case: "defect" where the build misbehaves as the issue describes, "ok" where it keeps the rule.
# The full-disk case mounts a 2 MiB tmpfs and needs root; it is reported as "skipped" otherwise.
set -u
OLD=$1 NEW=$2
WORK=${3:-$(mktemp -d)}
HERE=$(cd "$(dirname "$0")" && pwd)
FIX=$(cd "$(dirname "$0")/../../../shared/fixtures" && pwd)
mkdir -p "$WORK"
cd "$WORK" || exit 1

# One model for every case; each case gets its own copy where it might be damaged.
"$NEW" dev random-model --preset test --out model --tokenizer "$FIX/hf/whisper-base" >/dev/null 2>&1 || { echo "cannot build the test model"; exit 1; }
cp "$FIX/audio/jfk.wav" jfk.wav

# run BUILD SECONDS ARGS…: sets RC (124 on timeout), ERR (stderr), RSS_KB (peak resident set).
run() {
  local hark=$1 secs=$2; shift 2
  /usr/bin/time -f "%M" -o time.out timeout -s KILL "$secs" "$hark" "$@" >out.txt 2>err.txt
  RC=$?
  [ $RC -eq 137 ] && RC=124
  ERR=$(head -c 400 err.txt | tr '\n' '|')
  RSS_KB=$(tail -1 time.out 2>/dev/null | tr -dc 0-9)
}
# clean: the error contract (exit 2 or the given code, one line, no stack trace, no "internal error").
clean() {
  local want=${1:-2}
  # Notices a run prints before failing (the detected language) are not part of the error.
  [ "$RC" -eq "$want" ] && [ "$(grep -vc '^Detected language' err.txt)" -le 1 ] && ! grep -q "internal error\|   at " err.txt
}
row() { printf '%-58s %-7s %-7s %s\n' "$1" "$2" "$3" "$4"; }
verdict() { if "$@"; then echo ok; else echo defect; fi; }

row "case" "old" "new" "new build's answer"
for_each() {   # for_each NAME CHECK_FUNCTION: runs the check against both builds
  local name=$1 check=$2 old new detail
  old=$(verdict "$check" "$OLD"); new=$(verdict "$check" "$NEW"); detail=$(cat detail.txt 2>/dev/null)
  row "$name" "$old" "$new" "${detail:0:90}"
}
note() { echo "$1" > detail.txt; }

# --- data loss -------------------------------------------------------------------------------------------------
c_convert_onto_source() {
  rm -rf m && cp -r model m && local before; before=$(sha1sum m/model.safetensors)
  run "$1" 60 convert m --to ct2 -o m --force; note "exit $RC: $ERR"
  [ -f m/model.safetensors ] && [ "$(sha1sum m/model.safetensors)" = "$before" ] && [ $RC -ne 0 ]
}
c_ggml_over_weights() {
  rm -rf m && cp -r model m && local before; before=$(sha1sum m/model.safetensors)
  run "$1" 60 convert m --to ggml -o m/model.safetensors --force; note "exit $RC: $ERR"
  [ "$(sha1sum m/model.safetensors)" = "$before" ] && [ $RC -ne 0 ]
}
c_two_writers() {
  rm -rf o1 && local a b
  ( timeout 60 "$1" convert model --to onnx -o o1 >/dev/null 2>e1.txt; echo $? > r1 ) &
  ( timeout 60 "$1" convert model --to onnx -o o1 >/dev/null 2>e2.txt; echo $? > r2 ) &
  wait; a=$(cat r1) b=$(cat r2); note "exits $a and $b: $(cat e1.txt e2.txt | head -c 200 | tr '\n' '|')"
  [ "$a" -ne 0 ] || [ "$b" -ne 0 ]
}
c_same_base_name() {
  rm -rf d1 d2 t && mkdir d1 d2 t && cp jfk.wav d1/x.wav && cp jfk.wav d2/x.wav
  run "$1" 120 transcribe d1/x.wav d2/x.wav --model model --max-new-tokens 2 -f txt -o t; note "exit $RC, files: $(ls t | tr '\n' ' ') $ERR"
  [ $RC -ne 0 ] || [ "$(ls t | wc -l)" -ge 2 ]
}
c_killed_temp() {
  rm -rf k && mkdir k && local before after pid i
  # The tiny preset: its export takes long enough to be killed halfway.
  [ -d tiny ] || "$NEW" dev random-model --preset tiny --out tiny --tokenizer "$FIX/hf/whisper-base" >/dev/null 2>&1
  "$1" convert tiny --to onnx -o k/out >/dev/null 2>&1 & pid=$!
  for i in $(seq 300); do [ -n "$(ls -A k | grep -v lock)" ] && break; sleep 0.1; done   # killed once its temp exists
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  before=$(ls -A k | tr '\n' ' ')
  run "$1" 300 convert tiny --to onnx -o k/out; after=$(ls -A k | tr '\n' ' ')
  note "entries after the kill: $before; after the next run: $after"
  [ "$(ls -A k | grep -c -v '^out$')" -eq 0 ]
}
# --- crashes, hangs, unbounded memory --------------------------------------------------------------------------
c_huge_layers() {
  rm -rf m && cp -r model m && sed -i 's/"decoder_layers": *[0-9]*/"decoder_layers": 1000000000/' m/config.json
  run "$1" 20 inspect m; note "exit $RC, peak RSS $((RSS_KB / 1024)) MiB: $ERR"
  clean && [ "$RSS_KB" -lt 1000000 ]
}
c_threads_huge() { run "$1" 60 transcribe jfk.wav --model model --threads 100000 --max-new-tokens 1 -o t1; note "exit $RC: $ERR"; clean; }
c_threads_1000() { run "$1" 30 transcribe jfk.wav --model model --threads 1000 --max-new-tokens 1 -o t2; note "exit $RC: $ERR"; clean; }
c_convert_threads_negative() { rm -rf n; run "$1" 60 convert model --to ct2 -o n --threads -5; note "exit $RC: $ERR"; clean; }
c_beam_huge() { run "$1" 60 transcribe jfk.wav --model model --beam-size 100000 -o t3; note "exit $RC: $ERR"; clean; }
c_best_of_huge() { run "$1" 60 transcribe jfk.wav --model model --best-of 100000 -o t4; note "exit $RC: $ERR"; clean; }
c_beam_2000() { run "$1" 60 transcribe jfk.wav --model model --beam-size 2000 -o t5; note "exit $RC, peak RSS $((RSS_KB / 1024)) MiB: $ERR"; clean; }
c_fifo() {
  rm -f f.wav && mkfifo f.wav
  run "$1" 30 transcribe f.wav --model model -o t6; note "exit $RC: $ERR"
  [ $RC -ne 124 ] && clean
}
c_zip_bad_crc() {
  rm -rf z && mkdir z && "$NEW" dev random-model --preset test --out z --pytorch-bin --tokenizer "$FIX/hf/whisper-base" >/dev/null 2>&1
  python3 "$HERE/lying_zip_record.py" z/pytorch_model.bin 64 >/dev/null && rm -f z/pytorch_model.bin.new
  run "$1" 60 transcribe jfk.wav --model z --max-new-tokens 1 -o tz; note "exit $RC: $ERR"
  clean
}
# --- internal errors instead of a clear line -------------------------------------------------------------------
c_patience() { run "$1" 60 transcribe jfk.wav --model model --patience -1 -o t7; note "exit $RC: $ERR"; clean; }
c_rep_penalty() { run "$1" 60 transcribe jfk.wav --model model --repetition-penalty 0 -o t8; note "exit $RC: $ERR"; clean; }
c_vocab_ff() {
  # Inside the token string "a", where JSON syntax stays valid and only UTF-8 decoding can fail.
  rm -rf m && cp -r model m && python3 -c "import sys; b = open(sys.argv[1], 'rb').read(); i = b.index(b'\"a\"') + 1; open(sys.argv[1], 'wb').write(b[:i] + b'\xff' + b[i:])" m/vocab.json
  rm -rf v; run "$1" 60 convert m --to ct2 -o v; note "exit $RC: $ERR"
  clean && grep -q "vocab.json" err.txt
}
c_onnx_marker() {
  rm -rf ox && "$NEW" convert model --to onnx -o ox >/dev/null 2>&1; echo 'garbage{' > ox/hark_onnx.json
  run "$1" 60 transcribe jfk.wav --model ox --engine onnx --max-new-tokens 1 -o t9; note "exit $RC: $ERR"
  clean
}
c_output_is_file() { : > afile; run "$1" 60 transcribe jfk.wav --model model --max-new-tokens 1 -o afile; note "exit $RC: $ERR"; clean; }
c_output_proc() { run "$1" 60 transcribe jfk.wav --model model --max-new-tokens 1 -o /proc/hark-out; note "exit $RC: $ERR"; clean 1 || clean 2; }
c_full_disk() {
  if [ "$(id -u)" -ne 0 ]; then note "needs root for a tmpfs"; return 0; fi
  mkdir -p full && mount -t tmpfs -o size=2m tmpfs full 2>/dev/null || { note "tmpfs mount refused"; return 0; }
  run "$1" 120 convert model --to onnx -o full/out; note "exit $RC: $ERR"
  local ok=1; clean 1 && [ ! -e full/out ] && ok=0
  umount full; return $ok
}

for_each "convert -o SOURCE --force keeps the source"           c_convert_onto_source
for_each "convert --to ggml -o SOURCE/model.safetensors --force" c_ggml_over_weights
for_each "two converts to one output: one fails"                c_two_writers
for_each "d1/x.wav d2/x.wav: no transcript lost"                c_same_base_name
for_each "temp of a kill -9 is cleaned by the next run"         c_killed_temp
for_each "config.json with 10^9 layers: one line, bounded RSS"  c_huge_layers
for_each "--threads 100000: exit 2"                             c_threads_huge
for_each "--threads 1000: exit 2 at once"                       c_threads_1000
for_each "convert --threads -5: exit 2"                         c_convert_threads_negative
for_each "--beam-size 100000: exit 2"                           c_beam_huge
for_each "--best-of 100000: exit 2"                             c_best_of_huge
for_each "--beam-size 2000: exit 2"                             c_beam_2000
for_each "FIFO nobody writes: no hang"                          c_fifo
for_each "pytorch zip with a bad CRC: refused"                  c_zip_bad_crc
for_each "--patience -1: exit 2, one line"                      c_patience
for_each "--repetition-penalty 0: exit 2, one line"             c_rep_penalty
for_each "0xFF in vocab.json: one line naming the file"         c_vocab_ff
for_each "garbage hark_onnx.json: one line"                     c_onnx_marker
for_each "-o an existing file: one line, before the work"       c_output_is_file
for_each "-o under /proc: one line"                             c_output_proc
for_each "full disk during ONNX export: one line, no output"    c_full_disk
