"""Runs openai-whisper's own transcribe(..., word_timestamps=True) on a Hugging Face Whisper folder (random weights
written by `hark dev random-model --pytorch-bin`), for the word-timestamp golden files of Hark's tests.

Usage: PYTHONPATH=bench/reference/standins:<openai-whisper source> python3 openai_word_timestamps.py MODEL_DIR OUT.json AUDIO...
       [--hallucination-silence-threshold SECONDS]

openai-whisper is not installed: its source (github.com/openai/whisper) is put on PYTHONPATH, with the stand-ins in
standins/ for numba and tiktoken. The alignment heads are the folder's generation_config.json `alignment_heads`, or
openai's default (every head of the second half of the decoder layers) when it names none. Decoding: greedy,
temperature 0 only, English, fp32, condition_on_previous_text at its default (True).
"""

import json
import os
import sys

import torch
import whisper
from whisper.model import ModelDimensions, Whisper

RENAMES = [
    ("model.encoder.embed_positions.weight", "encoder.positional_embedding"),
    ("model.decoder.embed_positions.weight", "decoder.positional_embedding"),
    ("model.decoder.embed_tokens.weight", "decoder.token_embedding.weight"),
    ("model.encoder.layer_norm.", "encoder.ln_post."),
    ("model.decoder.layer_norm.", "decoder.ln."),
    ("model.encoder.", "encoder."),
    ("model.decoder.", "decoder."),
    (".layers.", ".blocks."),
    (".self_attn_layer_norm.", ".attn_ln."),
    (".encoder_attn_layer_norm.", ".cross_attn_ln."),
    (".final_layer_norm.", ".mlp_ln."),
    (".self_attn.", ".attn."),
    (".encoder_attn.", ".cross_attn."),
    (".q_proj.", ".query."),
    (".k_proj.", ".key."),
    (".v_proj.", ".value."),
    (".out_proj.", ".out."),
    (".fc1.", ".mlp.0."),
    (".fc2.", ".mlp.2."),
]


def openai_name(name):
    for old, new in RENAMES:
        name = name.replace(old, new)
    return name


def load(folder):
    with open(os.path.join(folder, "config.json")) as f:
        c = json.load(f)
    dims = ModelDimensions(
        n_mels=c["num_mel_bins"], n_audio_ctx=c["max_source_positions"], n_audio_state=c["d_model"],
        n_audio_head=c["encoder_attention_heads"], n_audio_layer=c["encoder_layers"], n_vocab=c["vocab_size"],
        n_text_ctx=c["max_target_positions"], n_text_state=c["d_model"], n_text_head=c["decoder_attention_heads"],
        n_text_layer=c["decoder_layers"])
    model = Whisper(dims)
    hf = torch.load(os.path.join(folder, "pytorch_model.bin"), map_location="cpu")
    state = {openai_name(k): v.float() for k, v in hf.items() if k != "proj_out.weight"}
    model.load_state_dict(state, strict=True)
    heads = None
    generation = os.path.join(folder, "generation_config.json")
    if os.path.exists(generation):
        with open(generation) as f:
            heads = json.load(f).get("alignment_heads")
    if heads:
        mask = torch.zeros(dims.n_text_layer, dims.n_text_head, dtype=torch.bool)
        for layer, head in heads:
            mask[layer, head] = True
        model.register_buffer("alignment_heads", mask.to_sparse(), persistent=False)
    return model.eval(), heads


def main():
    args = sys.argv[1:]
    threshold = None
    if "--hallucination-silence-threshold" in args:
        i = args.index("--hallucination-silence-threshold")
        threshold = float(args[i + 1])
        del args[i:i + 2]
    folder, out, audio = args[0], args[1], args[2:]
    model, heads = load(folder)
    results = {"alignment_heads": heads, "hallucination_silence_threshold": threshold, "runs": {}}
    for path in audio:
        r = whisper.transcribe(model, path, word_timestamps=True, temperature=0.0, language="en", fp16=False,
                               hallucination_silence_threshold=threshold)
        results["runs"][os.path.basename(path)] = [
            {"seek": s["seek"], "start": s["start"], "end": s["end"], "tokens": s["tokens"],
             # [word, start, end, probability]: compact, the files are test data
             "words": [[w["word"], w["start"], w["end"], round(float(w["probability"]), 6)] for w in s["words"]]}
            for s in r["segments"]]
    with open(out, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
