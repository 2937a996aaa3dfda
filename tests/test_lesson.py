"""The lesson's cells: they print the lecture's figures, and what a cell finds already defined equals what the
chapter that defines it computes (so the prepared namespace cannot drift from the code a reader saw)."""

import pytest
import torch

from bigram_core import BigramError, bigram_examples, fit, probabilities, probabilities_keepdim_bug, sample
from bigram_core.evaluate import dataset_nll
from bigram_core.lesson import CHAPTERS, PROVIDED, chapter, defined_in, lesson_words, run, source
from bigram_core.sampling import names


def number(title_start: str) -> int:
    return next(i for i, c in enumerate(CHAPTERS, 1) if c.title.startswith(title_start))


# The figures each chapter prints on the lecture's names.txt, as the lecture shows them.
LECTURE = {
    "The data": {"names": "32033", "shortest, longest": "2 15"},
    "Bigrams of one word": {"bigrams in the first word": "5"},
    "Counting in a dictionary": {"distinct bigrams": "627"},
    "Counting in a tensor": {"N28.shape": "(28, 28)", "column <S> + row <E>": "0"},
    "One token": {"N.shape": "(27, 27)", "N[0, 1]: words that start with 'a'": "4410"},
    "The count matrix": {"the largest cell": "n.", "its count": "6763"},
    "Row 0": {"p[1]: P(a word starts with 'a')": "0.1377"},
    "Drawing from a distribution": {"p[0]": "0.6064"},
    "Sampling names": {"first name": "cexze.", "second name": "momasurailezitynn."},
    "All rows at once": {"row 0 of P sums to": "1.0000"},
    "The likelihood": {"product of the probabilities": "0.0", "average negative log-likelihood": "2.4541"},
    "One word's loss": {"andrejq": "inf"},
    "Smoothing": {"andrejq, k = 1": "3.4834"},
    "The fourth decimal": {
        "float32, k = 0": "2.4541",
        "float64, k = 0": "2.4540",
        "float32, k = 1": "2.4544",
        "float64, k = 1": "2.4546",
    },
    "One word, one-hot": {"xs": "[0, 5, 13, 13, 1]", "ys": "[5, 13, 13, 1, 0]", "xenc.shape": "(5, 27)"},
    "A single neuron": {"out.shape": "(5, 1)", "out is W[xs]": "True"},
    "A logit is a dot product": {"logits[3, 13]": "0.0379", "(xenc[3] * W[:, 13]).sum()": "0.0379"},
    "Softmax": {"probs.shape": "(5, 27)", "probs[0, ys[0]]": "0.012286"},
    "How wrong is the net": {"average negative log-likelihood": "3.7693"},
    "Backward": {"loss": "3.7693", "after one step": "3.7492", "after two steps": "3.7292"},
    "Gradient descent": {"step 0": "3.7686", "step 99": "2.4901"},
    "Names from the net": {"first name": "cexze.", "second name": "momasurailezityha."},
    "Counts and net": {"the counts' loss, k = 1": "2.4546"},
}


class Runs(dict):
    """Chapter number -> its Run on the lecture's list (today's torch sampler) and the names its cell defined; each
    chapter runs once, when a test first asks for it."""

    def __init__(self, words):
        super().__init__()
        self.words = words

    def __missing__(self, n: int):
        ns: dict = {}
        self[n] = (run(n, self.words, namespace=ns), ns)
        return self[n]


@pytest.fixture(scope="module")
def runs(lecture):
    return Runs(lecture.words)


def by_title(titles):
    """The titles as parameters; a chapter whose cell loops in Python over every bigram takes seconds: slow."""
    return [pytest.param(t, marks=[pytest.mark.slow] if chapter(number(t)).loops else []) for t in titles]


def test_every_chapter_is_listed():
    assert len(LECTURE) == len(CHAPTERS)
    assert [number(t) for t in LECTURE] == list(range(1, len(CHAPTERS) + 1))


@pytest.mark.parametrize("title", by_title(LECTURE))
def test_cells_print_the_lectures_figures(runs, title):
    result, _ = runs[number(title)]
    shown = dict(result.metrics)
    assert len(shown) == len(chapter(number(title)).metrics)
    for label, value in LECTURE[title].items():
        assert shown[label] == value, (label, result.output)
    assert result.sample is None  # the lecture's list is small enough for every cell to run on all of it


@pytest.mark.slow
def test_likelihood_progression(runs):
    result, ns = runs[number("The likelihood")]
    log_likelihood, nll = (float(v) for v in result.output.split()[1:3])
    assert log_likelihood == -559891.75 and nll == -log_likelihood  # k = 0; −560,001.88 at k = 1
    assert ns["n"] == 228146 and ns["log_likelihood"].dtype == torch.float32  # the float32 accumulation


def test_float32_drift_is_the_accumulation(runs, lecture_N):
    """float64 is the library's exact figure; the float32 running sum is the lecture's loop, to the last bit."""
    _, ns = runs[number("The fourth decimal")]
    P1 = probabilities(lecture_N, 1)
    assert float(ns["exact"]) == pytest.approx(dataset_nll(P1, lecture_N).log_likelihood, abs=1e-6)
    loop = torch.zeros(())
    for t in ns["logp"][:20_000]:  # the lecture's `log_likelihood += torch.log(p)`, on the first 20,000
        loop += t
    assert float(loop) == float(ns["running"][19_999])


def test_dot_product(runs):
    result, ns = runs[number("A logit is a dot product")]
    first, second = result.output.split()
    assert first == second and float(first) == pytest.approx(float(ns["logits"][3, 13]), abs=5e-5)


def test_provided_names_equal_what_their_chapter_computes(runs, lecture, lecture_N):
    """The library's prepared namespace is what the defining chapter's cell made."""
    _, ns = runs[number("All rows at once")]
    assert torch.equal(ns["P"], probabilities(lecture_N, 0))
    assert torch.equal(ns["wrong"], probabilities_keepdim_bug(lecture_N, 0))
    _, ns = runs[number("One word, one-hot")]
    xs, ys = bigram_examples(lecture.words[:1], lecture.vocab)
    assert torch.equal(ns["xs"], xs) and torch.equal(ns["ys"], ys)
    _, ns = runs[number("A logit is a dot product")]
    _, later = runs[number("Softmax")]
    assert torch.equal(ns["W"], later["W"]) and torch.equal(ns["logits"], later["logits"])
    assert torch.allclose(later["probs"], runs[number("How wrong is the net")][1]["probs"])


@pytest.mark.slow
def test_provided_names_equal_what_their_looping_chapter_computes(runs, lecture, lecture_N):
    _, ns = runs[number("One token")]
    assert torch.equal(ns["N"], lecture_N.int()) and ns["itos"] == dict(enumerate(lecture.vocab.itos))
    _, ns = runs[number("Gradient descent")]
    W = fit(lecture_N, steps=100, lr=50.0, reg=0.01)[0]  # what "Names from the net" is given
    assert torch.allclose(ns["W"].detach(), W, atol=1e-4)
    assert torch.equal(ns["xs"], bigram_examples(lecture.words, lecture.vocab)[0])


def test_each_need_names_a_chapter_before_or_at_its_user():
    for n, ch in enumerate(CHAPTERS, 1):
        for need in ch.needs:
            assert need in PROVIDED and defined_in(need) <= n, (n, need)


def test_video_sampler_draws_the_videos_names(lecture, lecture_N):
    counts = run(number("Sampling names"), lecture.words, "video")
    assert counts.output.split() == ["mor.", "axx.", "minaymoryles.", "kondlaisah.", "anchshizarie."]
    assert "torch.searchsorted" in counts.code and "multinomial" not in counts.code
    assert counts.output.split() == names(sample(probabilities(lecture_N, 0), lecture.vocab, 5, sampler="video"))
    net = run(number("Names from the net"), lecture.words, "video")
    W = fit(lecture_N, steps=100, lr=50.0, reg=0.01)[0]
    assert net.output.split() == names(sample(torch.softmax(W, 1), lecture.vocab, 5, sampler="video"))
    assert net.output.split()[:2] == ["mor.", "axx."]


def test_code_shown_is_the_code_run(lecture):
    """A metric is a line the cell printed: change the cell's text and the figure changes with it."""
    ch = chapter(number("Row 0"))
    assert "$" not in source(ch, lecture.words) and "27" in source(chapter(number("One token")), lecture.words)
    assert "multinomial" in source(chapter(number("Sampling names")), lecture.words, "torch")
    with pytest.raises(BigramError, match="sampler must be one of"):
        source(ch, lecture.words, "numpy")


def test_big_lists_loop_on_a_sample():
    words = [("ab" * 4)] * 50_000  # 450,000 bigrams: over the budget
    sample_words = lesson_words(words, 3)
    assert 0 < len(sample_words) < len(words) and sum(len(w) + 1 for w in sample_words) <= 300_000
    result = run(number("Counting in a dictionary"), words)
    assert result.sample == len(sample_words) and result.metrics[0][1] == "4"  # <S>a, ab, ba, b<E>
    assert run(number("The data"), words).sample is None  # no loop over bigrams: all of it


def test_another_list_fills_in_its_own_words():
    words = ["zoë", "zoe", "éa"]
    for n in range(1, len(CHAPTERS) + 1):
        result = run(n, words, "video" if chapter(n).draws else "torch")
        assert result.output and all(value for _, value in result.metrics), n
    loss = dict(run(number("One word's loss"), words).metrics)
    assert list(loss) == ["zoë", "zoëa"] and loss["zoëa"] == "inf"  # 'ëa' never occurs
