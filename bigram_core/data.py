"""Word lists: load from a path, bytes (an upload) or text, validate, and describe."""

import hashlib
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from importlib.resources import files
from pathlib import Path

import numpy as np
import torch

from .counts import bigram_counts
from .errors import BigramError
from .limits import VOCAB_CHARACTERS, WORD_LIST_BYTES, WORD_LIST_LINES
from .vocab import BOUNDARY, Vocabulary, characters, pieces

# Package data, so that an installed copy finds it too (data/build_names.py writes it).
BUNDLED = files("bigram_core") / "names.txt"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class WordList:
    """A validated word list: one word per line, in file order, duplicates kept (they are data)."""

    name: str
    words: tuple[str, ...]
    nbytes: int

    def __reduce__(self):
        # The words as one string, and the figures already computed: a million words pickle one by one ~5× slower.
        figures = {k: v for k, v in self.__dict__.items() if k not in ("name", "words", "nbytes")}
        return _unpickle, (self.name, "\n".join(self.words), len(self.words), self.nbytes, figures)

    @cached_property
    def vocab(self) -> Vocabulary:
        return Vocabulary.from_words(self.words)

    @cached_property
    def counts(self) -> torch.Tensor:
        """The bigram count matrix N of these words, (V, V) int64; treat it as read-only."""
        return bigram_counts(self.words, self.vocab)

    @cached_property
    def digest(self) -> str:
        """A short fingerprint of the words, for cache keys: equal lists have equal digests."""
        h = hashlib.sha256()
        for piece in pieces(self.words, "\n"):  # the digest of "\n".join(words), a piece at a time
            h.update(piece.encode())
        return h.hexdigest()[:16]

    @cached_property
    def occurrences(self) -> Counter:
        """Each distinct word, with how many times it occurs, in first-occurrence order."""
        return Counter(self.words)

    @cached_property
    def duplicates(self) -> Counter:
        """Each word that occurs more than once, with how many times it occurs."""
        return Counter({w: c for w, c in self.occurrences.items() if c > 1})

    @property
    def unique_words(self) -> int:
        return len(self.occurrences)

    @property
    def n_bigrams(self) -> int:
        """len(word) + 1 bigrams per word: the start, each inner pair, the end."""
        return int(self.lengths.sum()) + len(self.words)

    @cached_property
    def lengths(self) -> np.ndarray:
        """The length of each word, (W,) int64."""
        return np.fromiter(map(len, self.words), dtype=np.int64, count=len(self.words))

    @cached_property
    def summary(self) -> "Summary":
        return summarize(self)


def _unpickle(name: str, joined: str, n: int, nbytes: int, figures: dict) -> WordList:
    words = WordList(name, tuple(joined.split("\n")) if n else (), nbytes)
    words.__dict__.update(figures)
    return words


def parse_text(text: str, name: str = "text", nbytes: int | None = None) -> WordList:
    """Validate `text` (one word per line) into a WordList; errors name the line."""
    _check_lines(text.count("\n") + (not text.endswith("\n")), name)  # before a single word is built
    text = unicodedata.normalize("NFC", text.removeprefix("\ufeff"))
    # Lines end at \n or \r\n only: splitlines() would also cut at \f, \v, \x1c-\x1e, U+0085, U+2028, U+2029.
    lines = text.split("\n")
    words = [word for word in map(str.strip, lines) if word]  # one pass in C: a 20 MB list has millions of lines
    if BOUNDARY in text:
        lineno, word = next((i, w) for i, w in enumerate(map(str.strip, lines), start=1) if BOUNDARY in w)
        raise BigramError(
            f"{name}, line {lineno}: {word!r} contains '{BOUNDARY}', which Bigram Lab reserves for "
            "the start and end of a word. Remove it or replace it."
        )
    if not words:
        raise BigramError(f"{name} has no words: it is empty or only blank lines. Put one word per line.")
    distinct = len(characters(words))
    if distinct > VOCAB_CHARACTERS:
        raise BigramError(
            f"{name} uses {distinct:,} different characters; Bigram Lab's tables have a row and a column for "
            f"each, so a word list may use at most {VOCAB_CHARACTERS:,} (the lecture's names use 26)."
        )
    return WordList(name, tuple(words), len(text.encode()) if nbytes is None else nbytes)


def parse_ready(data: bytes, name: str = "upload") -> WordList:
    """parse_bytes, with what the views read of every list computed (digest, vocabulary, counts, lengths,
    summary): a process that parses for another hands these over with the list, in the same pickle."""
    words = parse_bytes(data, name)
    for figure in ("digest", "vocab", "counts", "lengths", "summary"):
        getattr(words, figure)
    return words


def case_note(words: WordList) -> str | None:
    """A sentence when the list has letters in both cases, which the vocabulary counts as different characters."""
    both = sorted(ch for ch in words.vocab.itos if ch.islower() and ch.upper() in words.vocab.stoi)
    if not both:
        return None
    return (
        f"{words.name} has {len(both)} letters in both upper and lower case ({''.join(both[:5])}"
        f"{'…' if len(both) > 5 else ''}): each case is a character of its own, so the vocabulary has "
        f"{len(words.vocab)} characters. Lower-case the list to merge them."
    )


def _check_lines(lines: int, name: str) -> None:
    if lines > WORD_LIST_LINES:
        raise BigramError(
            f"{name} has {lines:,} lines, more than the {WORD_LIST_LINES:,} a word list may have: every view works "
            f"through its words one by one (the lecture's names are 32,033 lines). Use part of the list."
        )


def check_bytes(data: bytes, name: str = "upload", max_bytes: int = WORD_LIST_BYTES) -> None:
    """Refuse, with a sentence, what the bytes alone tell: too large, too many lines, UTF-16, a NUL byte."""
    if len(data) > max_bytes:
        raise BigramError(f"{name} is {size_text(len(data))}, over the {size_text(max_bytes)} limit for a word list.")
    if data.startswith(UTF16_BOMS):
        raise BigramError(f"{name} is UTF-16 (it starts with a UTF-16 byte-order mark). Save it as UTF-8.")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise BigramError(
            f"{name} has a NUL byte on line {line}: it looks like a binary file or UTF-16 text, not a UTF-8 word list."
        )
    _check_lines(data.count(b"\n") + (not data.endswith(b"\n")), name)


def parse_bytes(data: bytes, name: str = "upload", max_bytes: int = WORD_LIST_BYTES) -> WordList:
    """Decode `data` as UTF-8 (a byte-order mark and Windows line endings are fine) and validate it."""
    check_bytes(data, name, max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise BigramError(
            f"{name} is not UTF-8: line {line}, byte {column} is 0x{data[e.start]:02x}. Latin-1 and "
            "Windows-1252 files are common; save the file as UTF-8."
        ) from None
    return parse_text(text, name, nbytes=len(data))


def load_path(path: str | Path, max_bytes: int = WORD_LIST_BYTES) -> WordList:
    """Read and validate the word list at `path`."""
    path = Path(path)
    if not path.exists():
        raise BigramError(f"No such file: {path}.")
    if path.is_dir():
        raise BigramError(f"{path} is a directory; give the path of a word-list file.")
    # A FIFO would block open() and /dev/zero never ends, and both report st_size 0: only regular files.
    if not path.is_file():
        raise BigramError(
            f"{path} is not a regular file (a device, pipe or socket); give the path of a word-list file."
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise BigramError(f"{path} is {size_text(size)}, over the {size_text(max_bytes)} limit for a word list.")
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)  # bounded: a file that grows after stat() is still caught below
    except OSError as e:
        raise BigramError(f"Cannot read {path}: {e.strerror}.") from None
    return parse_bytes(data, name=path.name, max_bytes=max_bytes)


def load_bundled() -> WordList:
    """The bundled default: SSA baby names of 2017 (see data/build_names.py)."""
    return parse_bytes(BUNDLED.read_bytes(), name="SSA 2017 names (bundled)")


def size_text(nbytes: int) -> str:
    """A size for a sentence: bytes below 100,000, MB (MiB) from there."""
    return f"{nbytes / 2**20:.1f} MB" if nbytes >= 100_000 else f"{nbytes:,} bytes"


@dataclass(frozen=True)
class Summary:
    """A word list at a glance: its size, repeats and lengths."""

    words: int
    unique_words: int
    repeated_words: int  # distinct words that occur more than once
    most_repeated: tuple[str, int] | None  # the first word (in file order) of the highest count, if any repeat
    most_repeated_ties: int  # how many distinct words share that highest count
    shortest: str  # the first word of the smallest length
    longest: str  # the first word of the largest length
    length_counts: dict[int, int]  # word length -> how many words have it, by length


def summarize(words: WordList) -> Summary:
    """The Summary of `words`: what the dataset view shows about a list (WordList.summary keeps it)."""
    lengths = words.lengths  # numpy: a list may have a million words
    values, counts = np.unique(lengths, return_counts=True)
    occurrences = Counter(words.words)  # not kept on the list: a million distinct words take ~100 MB
    duplicates = [(w, c) for w, c in occurrences.items() if c > 1]
    top = max((c for _, c in duplicates), default=0)
    tied = [w for w, c in duplicates if c == top]  # Counter keeps first-occurrence order
    return Summary(
        words=len(words.words),
        unique_words=len(occurrences),
        repeated_words=len(duplicates),
        most_repeated=(tied[0], top) if tied else None,
        most_repeated_ties=len(tied),
        shortest=words.words[int(lengths.argmin())],  # argmin and argmax: the first of the extreme length
        longest=words.words[int(lengths.argmax())],
        length_counts=dict(zip(values.tolist(), counts.tolist())),
    )
