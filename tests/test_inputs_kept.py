"""No input quietly changed, no traceback: lines, typed text, defaults, the sampling cut, the
address's k, the CLI on pipes and devices, and the words a page uses about sizes and counts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from bigram_core import BigramError, breakdown, parse_bytes, parse_text, probabilities, sample, uniform
from bigram_core.data import case_note, load_path
from bigram_core.vocab import Vocabulary
from tests.apptest import assert_clean, open_page
from ui.format import count, size

ROOT = Path(__file__).resolve().parents[1]
ZOE_DECOMPOSED = "zoe\u0308"  # e + COMBINING DIAERESIS, as macOS and copy-paste give it


# --- lines ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_only_a_newline_ends_a_line(separator):
    words = parse_text(f"em{separator}ma\nbob\r\nann\n", "odd.txt")
    assert words.words == (f"em{separator}ma", "bob", "ann")


def test_an_error_names_the_line_a_text_editor_shows():
    with pytest.raises(BigramError, match=r"odd.txt, line 3: 'd.e'"):
        parse_bytes(b"a\r\nb\x0cc\nd.e\n", "odd.txt")


# --- typed text ---------------------------------------------------------------------------------------------


def test_typed_text_is_read_as_the_list_is_nfc():
    words = parse_text("zoë\nanna\n")
    P = probabilities(words.counts)
    assert (
        breakdown(ZOE_DECOMPOSED, P, words.counts, words.vocab).nll
        == breakdown("zoë", P, words.counts, words.vocab).nll
    )
    assert sample(P, words.vocab, 3, prefix="zoe\u0308")[0].name.startswith("zoë")


def test_upper_case_gets_a_suggestion():
    vocab = Vocabulary.from_words(["andrej"])
    with pytest.raises(BigramError, match=r"Did you mean 'andrej'\?"):
        vocab.encode("Andrej")
    with pytest.raises(BigramError) as refused:
        vocab.encode("Zed")  # no lower-case spelling fits either: no suggestion
    assert "Did you mean" not in str(refused.value)


def test_the_breakdown_view_accepts_a_decomposed_word():
    at = open_page("breakdown", parse_text("zoë\nanna\nemma\n", "z.txt"), word=ZOE_DECOMPOSED)
    assert_clean(at)
    assert not at.error and at.dataframe[0].value["bigram"].tolist() == [".z", "zo", "oë", "ë."]


def test_the_cli_accepts_a_decomposed_word_and_suggests_lower_case(tmp_path, cli):
    data = tmp_path / "z.txt"
    data.write_text("zoë\nandrej\n")
    assert cli.json("breakdown", ZOE_DECOMPOSED, "--data", str(data))["word"] == "zoë"
    code, _, err = cli("breakdown", "Andrej", "--data", str(data))
    assert code == 2 and "Did you mean 'andrej'?" in err


# --- defaults a list cannot spell ---------------------------------------------------------------------------

NO_DEFAULTS = parse_text("bob\nbub\nbo\nub\n", "bob.txt")  # no e, m, a, n, d, r, j


@pytest.mark.parametrize("page, key", [("dataset", "dataset_word"), ("breakdown", "word"), ("training", "word")])
def test_a_view_opens_on_the_lists_own_first_word(page, key):
    at = open_page(page, NO_DEFAULTS)
    assert_clean(at)
    assert at.text_input(key=key).value == "bob" and not at.error


def test_the_compared_words_are_ones_the_list_can_spell():
    at = open_page("breakdown", NO_DEFAULTS)
    assert at.text_input(key="compare").value == "bob, bub, bo"
    assert not at.warning
    lecture_like = open_page("breakdown")
    assert lecture_like.text_input(key="compare").value == "emma, olivia, andrej, andrejq, zzyzx"


def test_a_list_in_both_cases_is_said_to_double_the_alphabet():
    words = parse_text("Anna\nanna\nBob\nbob\n", "caps.txt")
    assert "2 letters in both upper and lower case (ab)" in case_note(words)
    assert case_note(parse_text("anna\nbob\n")) is None
    at = open_page("dataset", words)
    assert "each case is a character of its own" in at.sidebar.markdown[1].value


# --- the sampling cut ---------------------------------------------------------------------------------------


def lecture_loop(P: torch.Tensor, vocab: Vocabulary, n: int, seed: int = 2147483647) -> list[str]:
    """The lecture's sampling loop, with no maximum length."""
    g, names = torch.Generator().manual_seed(seed), []
    for _ in range(n):
        ix, out = 0, []
        while True:
            ix = torch.multinomial(P[ix], num_samples=1, replacement=True, generator=g).item()
            if ix == 0:
                break
            out.append(vocab.itos[ix])
        names.append("".join(out))
    return names


def test_the_cut_is_marked_and_does_not_shift_the_names_after_it():
    vocab = Vocabulary.from_words(["abcdefghijklmnopqrstuvwxyz"])
    P = uniform(len(vocab))  # long names: ~27 characters on average
    full = lecture_loop(P, vocab, 40)
    cut = sample(P, vocab, 40, max_len=10)
    assert [s.name for s in cut] == [name[:10] for name in full]
    assert [s.ended for s in cut] == [len(name) <= 10 for name in full]
    assert [s.length for s in cut] == [len(name) for name in full]
    assert any(not s.ended for s in cut) and any(s.ended for s in cut)


def test_the_generator_view_marks_cut_names():
    at = open_page("generator")
    at.radio(key="from").set_value("uniform").run()
    at.number_input(key="max_len").set_value(5).run()
    assert_clean(at)
    shown = at.dataframe[0].value["name"].tolist()
    assert any(name.endswith(" …") for name in shown)
    assert any("were cut" in c.value for c in at.caption)


def test_the_cli_sets_the_cut_and_marks_it(cli):
    code, out, _ = cli("sample", "--model", "uniform", "--max-len", "3", "-n", "3")
    assert code == 0 and out.splitlines() == ["cex …", "zog …", "sfc …"]
    assert cli.json("sample", "--model", "uniform", "--max-len", "3", "-n", "3")["cut"] == [0, 1, 2]


# --- smoothing k from the address or typed ------------------------------------------------------------------


@pytest.mark.parametrize("page", ["counts", "breakdown", "smoothing"])
@pytest.mark.parametrize("k", ["2000000000", "1e300", "nan", "lots"])
def test_a_k_the_view_cannot_take_is_refused_with_a_sentence(page, k):
    at = open_page(page, k=k)
    assert_clean(at)
    said = [w.value for w in at.warning]
    assert any(w.startswith(f"?k={k} is") and w.endswith(".") for w in said), said


@pytest.mark.parametrize("page", ["counts", "breakdown"])
def test_minus_zero_reads_as_zero(page):
    at = open_page(page, k="-0")
    assert_clean(at)
    text = " ".join(str(e.value) for e in (*at.caption, *at.markdown, *at.metric)) + " ".join(
        m.label for m in at.metric
    )
    assert "-0" not in text and "+ -0" not in text


def test_the_generators_k_is_bounded():
    at = open_page("generator")
    assert at.number_input(key="k").max == 1e9
    assert open_page("breakdown").number_input(key="k").max == 1e9


# --- the command line on pipes and devices ------------------------------------------------------------------


def test_a_closed_pipe_ends_quietly():
    """A real process under a shell: the table (~150 KB, a row per bigram) outgrows the pipe's buffer, so it is
    still writing when head exits."""
    word = "ab" * 2000
    done = subprocess.run(
        f"{sys.executable} -m bigram_core breakdown {word} | head -1",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.split() == ["word", word] and done.stderr == ""


@pytest.mark.parametrize("seed", ["18446744073709551616", "-9223372036854775809"])
def test_a_seed_outside_torchs_range_is_refused(cli, seed):
    code, _, err = cli("sample", "--seed", seed)
    assert code == 2 and "outside torch's seed range" in err and err.count("\n") == 1
    assert cli("sample", "-n", "1", "--seed", "18446744073709551615")[0] == 0


def test_a_device_or_a_fifo_is_refused_at_once(cli, tmp_path):
    code, _, err = cli("stats", "--data", "/dev/zero")
    assert code == 2 and "/dev/zero is not a regular file" in err
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, _, err = cli("stats", "--data", str(fifo))  # would block in open() without the check
    assert code == 2 and "is not a regular file" in err
    with pytest.raises(BigramError, match="not a regular file"):
        load_path(fifo)


# --- words about numbers ------------------------------------------------------------------------------------


def test_sizes_and_counts_read_as_english():
    assert size(26) == "26 bytes" and size(1) == "1 byte" and size(2048) == "2.0 KB"
    assert count(1, "word") == "1 word" and count(32033, "word") == "32,033 words"
    at = open_page("breakdown", parse_text("ab\n", "one.txt"), word="ab")
    assert "1 word · 3 characters · 3 bytes" in at.sidebar.markdown[1].value
    assert any("from the 1 word of" in c.value for c in at.caption)
