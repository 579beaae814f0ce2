"""Stand-in for tiktoken (not packaged for this machine), enough for openai-whisper's tokenizer.py: an Encoding built
from the BPE ranks and special tokens that whisper/tokenizer.py passes, with byte-level BPE encode and decode."""

import regex


class Encoding:
    def __init__(self, name, explicit_n_vocab, pat_str, mergeable_ranks, special_tokens):
        self.name = name
        self.n_vocab = explicit_n_vocab
        self._pat = regex.compile(pat_str)
        self._ranks = mergeable_ranks
        self._special_tokens = special_tokens
        self._decoder = {rank: token for token, rank in mergeable_ranks.items()}
        for text, rank in special_tokens.items():
            self._decoder[rank] = text.encode("utf-8")

    @property
    def special_tokens_set(self):
        return set(self._special_tokens)

    @property
    def eot_token(self):
        return self._special_tokens["<|endoftext|>"]

    def encode_single_token(self, text):
        if text in self._special_tokens:
            return self._special_tokens[text]
        return self._ranks[text.encode("utf-8")]

    def encode(self, text, allowed_special=(), disallowed_special=()):
        tokens = []
        for piece in self._pat.findall(text):
            tokens.extend(self._bpe(piece.encode("utf-8")))
        return tokens

    def _bpe(self, data):
        if data in self._ranks:
            return [self._ranks[data]]
        parts = [bytes([b]) for b in data]
        while len(parts) > 1:
            best = None
            for i in range(len(parts) - 1):
                rank = self._ranks.get(parts[i] + parts[i + 1])
                if rank is not None and (best is None or rank < best[0]):
                    best = (rank, i)
            if best is None:
                break
            i = best[1]
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
        return [self._ranks[p] for p in parts]

    def decode_bytes(self, tokens):
        return b"".join(self._decoder[t] for t in tokens)

    def decode(self, tokens, errors="replace"):
        return self.decode_bytes(tokens).decode("utf-8", errors=errors)
