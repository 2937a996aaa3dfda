"""A work budget for every request: beyond it a view samples, saying so, or refuses with one sentence."""

import string

import pytest
import torch

import bigram_core.data as data
import bigram_core.limits as limits
from bigram_core import BigramError, dataset_nll, load_bundled, parse_bytes, parse_text, probabilities
from bigram_core.limits import sample_examples, sample_words, shown
from bigram_core.ngram import context_slice, ngram_counts, sparse_counts, sparse_nll, sparse_slice
from tests.apptest import assert_clean, open_page


def test_a_sample_of_words_fits_the_budget_and_keeps_list_order():
    words = tuple(f"{i:03d}" for i in range(1000))  # 4 examples each
    chosen = sample_words(words, 300)
    assert len(chosen) == 75 and list(chosen) == sorted(chosen, key=words.index)
    assert chosen == sample_words(words, 300)  # seeded
    assert sample_words(words, 10**6) == words


def test_a_sample_of_examples():
    xs, ys = torch.arange(100), torch.arange(100) * 2
    sx, sy = sample_examples(xs, ys, 10)
    assert len(sx) == 10 and torch.equal(sy, sx * 2) and torch.equal(sx, sx.sort().values)
    assert sample_examples(xs, ys, 100)[0] is xs


def test_shown_cuts_a_long_word_and_says_how_long():
    assert shown("emma") == "emma"
    assert shown("a" * 1000, 5) == "aaaaa… (1,000 characters)"


def test_the_sparse_trigram_model_is_the_dense_one():
    words = load_bundled()
    N3 = ngram_counts(words.words, words.vocab, 3)
    cells, counts = sparse_counts(words.words, words.vocab, 3)
    assert len(cells) == int((N3 > 0).sum()) < N3.numel() / 3
    for k in (0.0, 1.0, 1e6):
        assert sparse_nll(cells, counts, len(words.vocab), k) == pytest.approx(
            dataset_nll(probabilities(N3, k), N3).nll, abs=1e-6
        )
    for first in ".aqz":
        assert torch.equal(sparse_slice(cells, counts, words.vocab, first), context_slice(N3, words.vocab, first))


def many_characters(n: int):
    chars = [chr(0x4E00 + i) for i in range(n)]  # CJK ideographs: one character each
    return parse_text("\n".join(a + b for a, b in zip(chars, chars[1:] + chars[:1])), f"{n}-chars.txt")


def test_smoothing_refuses_a_vocabulary_past_its_budget():
    at = open_page("smoothing", many_characters(250))
    assert_clean(at)
    assert len(at.error) == 1 and "This list has 251 characters" in at.error[0].value
    assert "up to 200 characters" in at.error[0].value


def test_the_counts_trigram_view_works_on_a_large_vocabulary():
    at = open_page("counts", many_characters(300))
    at.segmented_control(key="order").set_value(3).run()
    assert_clean(at)
    assert not at.error and at.metric[0].label == "Trigrams counted"


def test_exercises_sample_a_list_past_the_budget(monkeypatch):
    monkeypatch.setattr(limits, "EXERCISE_EXAMPLES", 50_000)
    monkeypatch.setattr(limits, "ONE_HOT_CELLS", 27 * 20_000)
    at = open_page("exercises")
    assert_clean(at)
    said = " ".join(i.value for i in at.info)
    assert "the exercises use a seeded sample of" in said and "(at most 50,000 examples)" in said
    assert any("a seeded sample of 20,000 of the" in m.value for m in at.markdown)
    assert sum(at.session_state["ex_split"][1].sizes.values()) < 50_000 / 3


def test_exercises_refuse_a_net_past_the_budget(monkeypatch):
    monkeypatch.setattr(limits, "NET_TUNING_CELLS", 1000)
    at = open_page("exercises", parse_text("\n".join(string.ascii_lowercase[i : i + 4] for i in range(20)) * 5))
    at.radio(key="tune").set_value("net").run()
    assert_clean(at)
    assert any("more than the 1,000 one click may train" in e.value for e in at.error)


def test_exercises_on_a_tiny_list_say_the_split_is_too_small():
    at = open_page("exercises", parse_text("\n".join(f"{a}{b}" for a in "abcde" for b in "abcd"), "twenty.txt"))
    assert_clean(at)
    assert any("The dev part has 2 words: too few" in w.value for w in at.warning)
    caption = next(c.value for c in at.caption if c.value.startswith("Train NLL"))
    assert "Train NLL" in caption and "Dev NLL is lowest at n = " in caption
    assert "keeps falling" not in caption


def test_one_long_word_is_not_sent_whole():
    word = "ab" * 50_000
    at = open_page("dataset", parse_text(word + "\nab\n", "long.txt"))
    assert_clean(at)
    sent = " ".join(str(m.value) + str(getattr(m.proto, "delta", "")) for m in at.metric)
    assert word not in sent and "(100,000 characters)" in sent
    assert word not in at.dataframe[0].value["word"].tolist()


def test_a_list_of_more_lines_than_the_budget_is_refused_before_it_is_parsed(monkeypatch):
    lines = limits.WORD_LIST_LINES
    assert len(parse_bytes(b"a\n" * lines).words) == lines  # a last newline is no line
    with pytest.raises(BigramError, match=r"^big\.txt has 500,001 lines, more than the 500,000 a word list may have"):
        parse_bytes(b"a\n" * limits.WORD_LIST_LINES + b"b", "big.txt")
    monkeypatch.setattr(data, "unicodedata", None)  # the parse starts with unicodedata.normalize
    with pytest.raises(BigramError, match=r"^ten\.txt has 10,000,000 lines"):
        parse_bytes(b"a\n" * 10_000_000, "ten.txt")


def test_e04_s_one_hot_budget_counts_its_products():
    assert limits.one_hot_examples(27) >= 228_146  # the lecture's every bigram
    assert limits.one_hot_examples(368) * 368**2 <= limits.ONE_HOT_PRODUCTS
    assert limits.one_hot_examples(2) * 2 <= limits.ONE_HOT_CELLS


def test_an_upload_the_bytes_refuse_never_reaches_the_worker(monkeypatch):
    from ui import sidebar, worker

    monkeypatch.setattr(worker, "run", lambda *args: pytest.fail("sent to the worker"))
    with pytest.raises(BigramError, match=r"^ten\.txt has 10,000,000 lines"):
        sidebar.parse_upload(b"a\n" * 10_000_000, "ten.txt")
    with pytest.raises(BigramError, match=r"^u\.txt is UTF-16"):
        sidebar.parse_upload("emma\n".encode("utf-16"), "u.txt")
