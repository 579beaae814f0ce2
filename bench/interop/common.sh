# Shared by the interop run.sh scripts (sourced, not run): builds Hark's CLI and bench, defines `hark`, `bench` and
# `random_model PRESET` (a random-weight Hugging Face folder with the real tokenizer, made once under $work), and
# `compare_with CMD… `: dump Hark's results for a model and precision, run the other runtime, compare.
# Expects root, work; honours AUDIO and TOKENIZER.
audio="${AUDIO:-$root/../shared/fixtures/audio/jfk.wav}"
tokenizer="${TOKENIZER:-$root/../shared/fixtures/hf/whisper-base}"
mkdir -p "$work"
dotnet build -c Release "$root/src/Hark.Cli" -v q -nologo > /dev/null
dotnet build -c Release "$root/bench/Hark.Bench" -v q -nologo > /dev/null
hark() { dotnet "$root/src/Hark.Cli/bin/Release/net10.0/Hark.Cli.dll" "$@"; }
bench() { dotnet "$root/bench/Hark.Bench/bin/Release/net10.0/Hark.Bench.dll" "$@"; }

random_model() {
  local folder="$work/$1-hf"
  [ -f "$folder/model.safetensors" ] || hark dev random-model --preset "$1" --out "$folder" --tokenizer "$tokenizer" > /dev/null
  echo "$folder"
}

# compare_with MODEL_FOLDER PRECISION DUMP_DIR OTHER_COMMAND...: Hark's dump, then the other runtime's, then the table.
compare_with() {
  local folder="$1" precision="$2" dump="$3"
  shift 3
  bench logits --dump --model "$folder" --audio "$audio" --out "$dump" --steps 8 --precision "$precision"
  rm -f "$dump/other_encoder.bin" "$dump/other_logits.bin"
  "$@"
  bench logits --compare --out "$dump"
}
