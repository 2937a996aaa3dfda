"""The vocabulary: '.' (the start and end token) is index 0, then the sorted characters of the data."""

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

import numpy as np
import torch

from .errors import BigramError

BOUNDARY = "."
CHUNK = 1_000_000  # characters read at once as UTF-32: 4 MB
WORDS_AT_ONCE = 65_536  # strings joined at once: a 20 MB list's whole join is 20 MB more, and its encodings 20 to 80


def pieces(strings: Iterable[str], sep: str = "") -> Iterator[str]:
    """sep.join(strings) in consecutive pieces of WORDS_AT_ONCE strings each, without the whole join in memory."""
    strings, first = iter(strings), True
    while batch := list(islice(strings, WORDS_AT_ONCE)):
        yield ("" if first else sep) + sep.join(batch)
        first = False


def characters(strings: Iterable[str]) -> list[str]:
    """The distinct characters of `strings`, by code point: counted with torch, where set("".join(strings)) would
    make a Python object of each of a 20 MB list's 20 million characters."""
    seen = torch.zeros(0x110000, dtype=torch.bool)
    for piece in pieces(strings):
        for start in range(0, len(piece), CHUNK):
            chunk = piece[start : start + CHUNK]
            if chunk.isascii():
                codes = torch.frombuffer(bytearray(chunk.encode("ascii")), dtype=torch.uint8)
                seen[:128] |= torch.bincount(codes, minlength=128).bool()
            else:
                codes32 = np.frombuffer(chunk.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
                seen[torch.from_numpy(codes32.astype(np.int64))] = True
    return [chr(c) for c in seen.nonzero().flatten().tolist()]


def typed(text: str) -> str:
    """Typed text in the form word lists are read in (NFC): macOS and copy-paste often give e + U+0308 for ë."""
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Vocabulary:
    """stoi/itos over the characters of a word list; itos[0] is always the boundary token '.'."""

    itos: tuple[str, ...]
    stoi: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "stoi", {ch: i for i, ch in enumerate(self.itos)})

    @classmethod
    def from_words(cls, words: Iterable[str]) -> "Vocabulary":
        """'.' then the sorted distinct characters of `words` (27 for lowercase names)."""
        return cls((BOUNDARY, *(ch for ch in characters(words) if ch != BOUNDARY)))

    def __len__(self) -> int:
        return len(self.itos)

    def __str__(self) -> str:
        return "".join(self.itos)

    def encode(self, word: str) -> list[int]:
        """Indices of the characters of `word` (no boundary tokens added)."""
        for position, ch in enumerate(word, start=1):
            if ch == BOUNDARY:
                raise BigramError(
                    f"{word!r} has '{BOUNDARY}' at position {position}: '{BOUNDARY}' marks the start and "
                    "end of a word, so it cannot stand inside one."
                )
            if ch not in self.stoi:
                lower = word.lower()
                hint = f" Did you mean {lower!r}?" if lower != word and all(c in self.stoi for c in lower) else ""
                raise BigramError(
                    f"{word!r} has {ch!r} at position {position}, which is not in the vocabulary "
                    f"({self.describe()}).{hint}"
                )
        return [self.stoi[ch] for ch in word]

    def decode(self, ids: Iterable[int]) -> str:
        """The characters at `ids`, joined."""
        return "".join(self.itos[i] for i in ids)

    def describe(self, limit: int = 40) -> str:
        """A short human description of the characters, for error messages."""
        chars = "".join(self.itos[1:])
        return repr(chars if len(chars) <= limit else chars[:limit] + "…") + f" and '{BOUNDARY}'"
