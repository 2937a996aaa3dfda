"""The exported notebooks: built from a view's settings, run headlessly in a real kernel (nbclient + ipykernel),
and what they print compared with what bigram_core computes and the view shows."""

import ast
import os
import re
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient
from streamlit.testing.v1 import app_test

from bigram_core import breakdown, dataset_nll, fit, load_bundled, parse_bytes, probabilities, probs, sample
from bigram_core.counts import top_bigrams
from bigram_core.notebook import (
    NetSettings,
    breakdown_notebook,
    counts_notebook,
    file_name,
    generator_notebook,
    training_notebook,
)
from bigram_core.sampling import names
from harness.browser import CHROMIUM, chromium, serve, wait_idle
from tests.apptest import assert_clean, metrics, open_page, run_until_done
from tests.conftest import LECTURE_NAMES


@pytest.fixture(scope="session")
def kernel() -> str:
    """The kernel nbclient starts. jupyter_client falls back to the installed ipykernel for python3, so a fresh
    venv has it; should a Jupyter setup hide that, install the spec for this user."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--user"], check=True)
    return "python3"


@pytest.fixture(scope="session")
def bundled():
    return load_bundled()


def execute(nb, kernel: str, where) -> str:
    """Run every cell in a fresh kernel whose working directory is `where`; all that the cells printed."""
    nbformat.validate(nb)
    NotebookClient(nb, timeout=600, kernel_name=kernel, resources={"metadata": {"path": str(where)}}).execute()
    return "".join(
        o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "stream"
    )


def printed(pattern: str, out: str) -> list[str]:
    return re.findall(pattern, out, flags=re.MULTILINE)


def code(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


# --- built, not run ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words",
    [
        ["emma", "ava"],
        ['say "hi"', 'ends"', "zoë", "josé"],  # quotes the triple-quoted block holds as they are
        [
            'say "hi"',
            "back\\slash",
            "tab\there",
            "zoë",
            'ends"',
            'a"""b',
            "\u200bzero-width",
            "line\u2028sep",
            "v\x0bt",
        ],
    ],
)
def test_the_word_list_reads_back_exactly(words):
    nb = counts_notebook(words, "mine.txt")
    first = nb.cells[1].source  # the cell after the title
    scope: dict = {}
    exec(compile(first.replace("import torch\n", ""), "cell", "exec"), scope)  # the literal alone, no torch needed
    assert scope["words"] == words


def test_a_big_list_is_read_from_a_file_beside_the_notebook(tmp_path, monkeypatch):
    data = "\ufeffemma\r\n  olivia \n\nzoe\u0308\na\u2028b\nc\rd\n".encode()  # BOM, CRLF, NFD, U+2028, a lone CR
    words = list(parse_bytes(data).words)
    assert words == ["emma", "olivia", "zoë", "a\u2028b", "c\rd"]
    nb = generator_notebook(words, "uploads/class list.txt", max_embed=10)
    assert "emma" not in code(nb) and "save it as `words.txt`" in nb.cells[1].source
    (tmp_path / "words.txt").write_bytes(data)
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(nb.cells[2].source.replace("import torch\n", ""), "cell", "exec"), scope)  # unicodedata only
    assert scope["words"] == words  # read as the app reads it
    assert file_name("names.txt") == "names.txt" and file_name("SSA 2017 names (bundled)") == "words.txt"


def test_the_notebooks_use_torch_only(bundled):
    notebooks = [
        breakdown_notebook(bundled.words, bundled.name, "ava", model="net"),
        counts_notebook(bundled.words, bundled.name),
        training_notebook(bundled.words, bundled.name, NetSettings(steps=1000, init="zeros")),
        generator_notebook(bundled.words, bundled.name, model="uniform", sampler="video", temperature=0.5),
    ]
    for nb in notebooks:
        nbformat.validate(nb)
        assert nb.metadata.kernelspec.name == "python3"
        imports = set()
        for node in ast.walk(ast.parse(code(nb))):  # every cell parses as Python, too
            if isinstance(node, ast.Import):
                imports |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                imports.add(node.module)
        assert imports <= {"torch", "torch.nn.functional", "unicodedata"}, imports
    assert "N = torch.zeros((27, 27), dtype=torch.int32)" in code(notebooks[1])
    assert "W = torch.zeros((27, 27), requires_grad=True)" in code(notebooks[2])
    assert "% 10 == 0" in code(notebooks[2])  # 1,000 steps print every 10th loss


# --- run in a kernel, on the bundled list (always here) ------------------------------------------------------


@pytest.mark.slow
def test_breakdown_and_counts_on_the_bundled_list(bundled, kernel, tmp_path):
    P = probabilities(bundled.counts, 0.5)
    out = execute(breakdown_notebook(bundled.words, bundled.name, "zyxa", 0.5), kernel, tmp_path)
    b = breakdown("zyxa", P, bundled.counts, bundled.vocab)
    assert printed(r"^(\S\S)  count +(\d+)", out) == [(r.pair, str(r.count)) for r in b.bigrams]
    assert float(printed(r"^mean NLL (\S+)", out)[0]) == pytest.approx(b.nll, abs=1e-4)

    out = execute(counts_notebook(bundled.words, bundled.name, 0.5, row="q"), kernel, tmp_path)
    N = bundled.counts
    top = [(a + b, int(n)) for a, b, n in printed(r"^(\S)(\S) +(\d+)  P", out)]
    assert top == top_bigrams(N, bundled.vocab, 15)
    rows = printed(r"^\. [\d.]+ a .*$", out)
    assert [float(x) for x in rows[0].split()[1::2]] == pytest.approx(P[0].tolist(), abs=5e-5)
    assert [float(x) for x in rows[1].split()[1::2]] == pytest.approx(P[bundled.vocab.stoi["q"]].tolist(), abs=5e-5)
    assert printed(r"^average NLL (\S+)", out) == [f"{dataset_nll(P, N).nll:.4f}"]

    net = NetSettings(steps=20, lr=30.0, reg=0.0, seed=5, init="zeros")
    W, records = fit(N, net.steps, net.lr, net.reg, net.seed, net.init)
    out = execute(breakdown_notebook(bundled.words, bundled.name, "zyxa", model="net", net=net), kernel, tmp_path)
    assert printed(r"^step (\d+): loss (\S+)", out) == [("20", f"{records[-1].loss:.4f}")]
    b = breakdown("zyxa", probs(W), N, bundled.vocab)
    assert float(printed(r"^mean NLL (\S+)", out)[0]) == pytest.approx(b.nll, abs=1e-4)


@pytest.mark.slow
def test_training_and_generator_on_the_bundled_list(bundled, kernel, tmp_path):
    net = NetSettings(steps=30, lr=20.0, reg=0.001, seed=7)
    W, records = fit(bundled.counts, net.steps, net.lr, net.reg, net.seed)
    out = execute(training_notebook(bundled.words, bundled.name, net, names=8), kernel, tmp_path)
    losses = [float(x) for x in printed(r"^step \d+: loss (\S+)", out)]
    assert losses == pytest.approx([r.loss for r in records], abs=1e-4)
    assert printed(r"^(\w+\.?)$", out)[-8:] == names(sample(probs(W), bundled.vocab, 8, seed=7))

    settings = {"n": 12, "seed": 42, "temperature": 0.7, "prefix": "ma", "max_len": 6, "sampler": "video"}
    out = execute(generator_notebook(bundled.words, bundled.name, k=2.0, **settings), kernel, tmp_path)
    expected = sample(probabilities(bundled.counts, 2.0), bundled.vocab, **settings)
    assert printed(r"^(ma\w*\.?)$", out) == names(expected)
    assert any(not s.ended for s in expected)  # the cut at max_len is exercised


# --- the views offer it, and it prints what they show (the lecture's list) ------------------------------------


@pytest.fixture
def media(monkeypatch):
    """The media managers AppTest creates, so a test can run what a deferred download button serves."""
    managers = []

    class Recording(app_test.MediaFileManager):
        def __init__(self, *args):
            super().__init__(*args)
            managers.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)
    return managers


def offered(at, media):
    """The notebook the view's Notebook button downloads."""
    [button] = [b for b in at.get("download_button") if b.proto.label == "Notebook"]
    url = media[-1].execute_deferred(button.proto.deferred_file_id)
    file = media[-1].read_file(url.rsplit("/", 1)[-1])
    assert file.filename.endswith(".ipynb")
    return nbformat.reads(file.content.decode(), as_version=4)


def test_every_view_offers_its_notebook(bundled, media):
    at = open_page("breakdown", bundled, word="ava", k="2")
    assert "word = 'ava'" in code(offered(at, media)) and "(N + 2).float()" in code(offered(at, media))
    at = open_page("counts", bundled, k="0")
    assert "P = N.float()" in code(offered(at, media))
    at.segmented_control(key="order").set_value(3).run()
    assert not [b for b in at.get("download_button") if b.proto.label == "Notebook"]  # bigram only
    at = open_page("training", bundled, lr="10", steps="30", reg="0")
    assert "for i in range(30):" in code(offered(at, media)) and "W.data += -10 * W.grad" in code(offered(at, media))
    at = open_page("generator", bundled)
    at.radio(key="from").set_value("uniform").run()
    at.text_input(key="prefix").input("jo").run()
    assert_clean(at)
    nb = code(offered(at, media))
    assert "P = torch.full((27, 27), 1 / 27)" in nb and "out = list('jo')" in nb and "range(20)" in nb


@pytest.mark.slow
def test_breakdown_notebook_prints_the_views_numbers(lecture, media, kernel, tmp_path):
    at = open_page("breakdown", lecture, word="andrej", k="1")
    assert_clean(at)
    out = execute(offered(at, media), kernel, tmp_path)
    assert printed(r"^mean NLL (\S+)", out) == ["3.0368"] == [metrics(at)["Mean NLL (the loss)"]]
    assert printed(r"^(\S\S)  count", out) == [".a", "an", "nd", "dr", "re", "ej", "j."]


@pytest.mark.slow
def test_counts_notebook_prints_the_lectures_counts(lecture, media, kernel, tmp_path):
    at = open_page("counts", lecture, k="1")
    out = execute(offered(at, media), kernel, tmp_path)
    assert printed(r"^(\S\S) +(\d+)  P", out)[:5] == [
        ("n.", "6763"),
        ("a.", "6640"),
        ("an", "5438"),
        (".a", "4410"),
        ("e.", "3983"),
    ]
    assert printed(r"^average NLL (\S+)", out) == ["2.4546"] == [metrics(at)["Average NLL at k = 1"]]


@pytest.mark.slow
def test_training_notebook_prints_the_lectures_losses_and_names(lecture, media, kernel, tmp_path):
    at = open_page("training", lecture)
    at.button(key="training_start").click().run()
    run_until_done(at)
    out = execute(offered(at, media), kernel, tmp_path)
    losses = printed(r"^step (\d+): loss (\S+)", out)
    assert len(losses) == 100 and losses[:2] == [("1", "3.7686"), ("2", "3.3788")]
    assert losses[-1] == ("100", "2.4901") and metrics(at)["Loss"] == "2.4901"
    assert printed(r"^(\w+\.)$", out) == ["cexze.", "momasurailezityha.", "konimittain.", "llayn.", "ka."]


@pytest.mark.slow
def test_generator_notebook_draws_the_views_names(lecture, media, kernel, tmp_path):
    at = open_page("generator", lecture)
    at.number_input(key="n").set_value(5).run()
    out = execute(offered(at, media), kernel, tmp_path)
    drawn = at.dataframe[0].value["name"].tolist()
    assert printed(r"^(\w+)\.$", out) == drawn == ["cexze", "momasurailezitynn", "konimittain", "llayn", "ka"]
    at.radio(key="from").set_value("net").run()  # the lecture's net, trained in the notebook first
    out = execute(offered(at, media), kernel, tmp_path)
    assert printed(r"^step (\d+): loss (\S+)", out) == [("100", "2.4901")]
    assert (
        printed(r"^(\w+)\.$", out)
        == at.dataframe[0].value["name"].tolist()
        == ["cexze", "momasurailezityha", "konimittain", "llayn", "ka"]
    )


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_the_download_works_in_a_browser(lecture, kernel, tmp_path):
    """The deferred download the real server serves on a click, run: AppTest calls the builder directly."""
    with serve("--data", str(LECTURE_NAMES)) as (base, _), chromium() as browser:
        page = browser.new_context().new_page()
        page.goto(base + "/breakdown?word=andrej&k=1")
        wait_idle(page)
        with page.expect_download() as download:
            page.get_by_role("button", name="Notebook").click()
        assert download.value.suggested_filename == "bigram_breakdown.ipynb"
        nb = nbformat.read(download.value.path(), as_version=4)
    assert printed(r"^mean NLL (\S+)", execute(nb, kernel, tmp_path)) == ["3.0368"]
