"""Word lists and the vocabulary: what is accepted, and the sentence each bad input gets."""

import hashlib
import pickle

import pytest
import torch

from bigram_core import BigramError, Vocabulary, load_bundled, load_path, parse_bytes, parse_text, vocab
from bigram_core.data import parse_ready, summarize
from bigram_core.limits import VOCAB_CHARACTERS
from bigram_core.vocab import characters, pieces


def test_vocab_dot_first_then_sorted():
    v = Vocabulary.from_words(["emma", "bob"])
    assert v.itos == (".", "a", "b", "e", "m", "o")
    assert v.stoi["."] == 0 and v.decode(v.encode("emma")) == "emma"
    assert v.encode("mob") == [4, 5, 2]


@pytest.mark.parametrize("word, char, position", [("emza", "z", 3), ("Emma", "E", 1)])
def test_encode_names_the_character_and_position(word, char, position):
    with pytest.raises(BigramError, match=rf"'{char}' at position {position}"):
        Vocabulary.from_words(["emma"]).encode(word)


def test_encode_rejects_the_boundary_inside_a_word():
    with pytest.raises(BigramError, match="'.' at position 3"):
        Vocabulary.from_words(["emma"]).encode("em.ma")


def test_lecture_list(lecture):
    assert len(lecture.words) == 32033 and lecture.unique_words == 29494
    assert sum(lecture.duplicates.values()) - len(lecture.duplicates) == 2539
    assert (min(lecture.lengths), max(lecture.lengths)) == (2, 15)
    assert lecture.n_bigrams == 228146
    assert str(lecture.vocab) == ".abcdefghijklmnopqrstuvwxyz"


def test_bundled_list_is_ssa_2017():
    words = load_bundled()
    assert len(words.words) == 32469 and words.words[:3] == ("emma", "olivia", "ava")
    assert (min(words.lengths), max(words.lengths)) == (2, 15) and len(words.vocab) == 27


def test_bom_crlf_blank_lines_and_whitespace():
    words = parse_bytes("\ufeffemma\r\n\r\n  olivia \r\n\t\r\nava".encode())
    assert words.words == ("emma", "olivia", "ava")


def test_unicode_is_nfc_normalised_and_valid():
    decomposed = "rene\u0301e\nzoë\njosé\nøyvind\n"  # 'é' as e + combining accent
    words = parse_text(decomposed)
    assert words.words[0] == "renée" and len(words.words[0]) == 5
    assert {"é", "ë", "ø"} <= set(words.vocab.itos)


def test_dot_in_a_word_names_the_line():
    with pytest.raises(BigramError, match=r"line 3: 'a\.b'"):
        parse_text("emma\n\na.b\n")


@pytest.mark.parametrize("data", [b"", b"\n \n\t\n"])
def test_empty_list(data):
    with pytest.raises(BigramError, match="has no words"):
        parse_bytes(data)


def test_latin1_says_where():
    with pytest.raises(BigramError, match=r"not UTF-8: line 2, byte 4 is 0xe9.*Latin-1"):
        parse_bytes("emma\nrené\n".encode("latin-1"))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_is_named(encoding):
    with pytest.raises(BigramError, match="UTF-16"):
        parse_bytes("emma\nolivia\n".encode(encoding))


def test_binary_file():
    with pytest.raises(BigramError, match="binary"):
        parse_bytes(bytes(range(256)) * 4)


def test_size_cap(tmp_path):
    with pytest.raises(BigramError, match="over the 100 bytes limit"):
        parse_bytes(b"emma\n" * 30, max_bytes=100)
    path = tmp_path / "big.txt"
    path.write_bytes(b"emma\n" * 30)
    with pytest.raises(BigramError, match="over the 100 bytes limit"):
        load_path(path, max_bytes=100)


def test_missing_path_and_directory(tmp_path):
    with pytest.raises(BigramError, match="No such file"):
        load_path(tmp_path / "nope.txt")
    with pytest.raises(BigramError, match="is a directory"):
        load_path(tmp_path)


def test_summary_of_the_lecture_list(lecture):
    s = summarize(lecture)
    assert (s.words, s.unique_words, s.repeated_words) == (32033, 29494, 2539)
    assert s.most_repeated == ("emma", 2) and s.most_repeated_ties == 2539  # girls' and boys' names
    assert (s.shortest, s.longest) == ("an", "muhammadibrahim")
    # the length histogram counts every word once, and each word of length L gives L + 1 bigrams
    assert sum(s.length_counts.values()) == s.words
    assert sum((L + 1) * n for L, n in s.length_counts.items()) == lecture.n_bigrams
    assert min(s.length_counts) == len(s.shortest) == 2 and max(s.length_counts) == len(s.longest) == 15


def test_summary_counts_repeats_by_hand():
    words = parse_text("bob\nann\nbob\nzoë\nann\nbob\nx\n")
    s = summarize(words)
    assert s.words == 7 and s.unique_words == 4 and s.repeated_words == 2
    assert s.most_repeated == ("bob", 3) and s.most_repeated_ties == 1
    assert (s.shortest, s.longest) == ("x", "bob") and s.length_counts == {1: 1, 3: 6}


def test_summary_without_repeats():
    s = summarize(parse_text("emma\nava\n"))
    assert s.repeated_words == 0 and s.most_repeated is None and s.most_repeated_ties == 0


def test_too_many_different_characters():
    chars = [chr(0x4E00 + i) for i in range(VOCAB_CHARACTERS + 1)]
    assert len(parse_text("\n".join(chars[:-1])).vocab) == VOCAB_CHARACTERS + 1  # '.' and 500: the most there can be
    with pytest.raises(BigramError, match=r"^many\.txt uses 501 different characters; .* at most 500 "):
        parse_text("\n".join(chars), "many.txt")


@pytest.mark.parametrize("words", [["emma", "olivia"], ["zoë", "renée\tjosé", "日本\ud800", "", "x"], []])
def test_the_characters_counted_with_torch_are_the_set_of_them(words, monkeypatch):
    assert characters(words) == sorted(set("".join(words)))
    monkeypatch.setattr(vocab, "CHUNK", 3)  # a chunk boundary inside a word
    monkeypatch.setattr(vocab, "WORDS_AT_ONCE", 2)  # and pieces of two words
    assert characters(words) == sorted(set("".join(words)))
    assert "".join(pieces(words, "\n")) == "\n".join(words)


def test_the_digest_is_that_of_the_joined_words(monkeypatch):
    words = parse_text("emma\nolivia\nava\n")
    monkeypatch.setattr(vocab, "WORDS_AT_ONCE", 2)
    assert words.digest == hashlib.sha256(b"emma\nolivia\nava").hexdigest()[:16]


def test_a_pickled_list_carries_its_figures_but_not_its_word_counter(lecture):
    words = parse_text("emma\nbob\nemma\n\nzoë\n", "mine.txt")
    words.counts, words.summary, words.unique_words  # noqa: B018 -- computed, so kept on the list
    copy = pickle.loads(pickle.dumps(words))
    assert copy == words and copy.words == ("emma", "bob", "emma", "zoë") and copy.nbytes == words.nbytes
    assert torch.equal(copy.__dict__["counts"], words.counts) and copy.__dict__["summary"] == summarize(words)
    assert "occurrences" not in parse_ready(b"emma\nemma\n").__dict__  # a million words' Counter: ~100 MB
    assert pickle.loads(pickle.dumps(lecture)).words == lecture.words
