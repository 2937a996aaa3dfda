import inspect
import json
import types
from collections.abc import Callable
from pathlib import Path

import pytest
import torch

import bigram_core.cli
import bigram_lab.cli
from bigram_core import bigram_counts, load_path

# What `stats --json` prints for the bundled list (SSA 2017 names).
BUNDLED_STATS = {
    "words": 32469,
    "unique_words": 29910,
    "bigrams": 231718,
    "vocab": ".abcdefghijklmnopqrstuvwxyz",
    "min_len": 2,
    "max_len": 15,
}
LECTURE_NAMES = Path(__file__).resolve().parents[1].parent / "shared" / "names.txt"

# One thread, as the app runs (ui/process.py): the tensors are small, and on a shared machine threads only contend.
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def lecture():
    """The lecture's own names.txt (never copied into the repo); tests using it skip when it is absent."""
    if not LECTURE_NAMES.exists():
        pytest.skip("../shared/names.txt (the lecture's word list) is not here")
    return load_path(LECTURE_NAMES)


@pytest.fixture(scope="session")
def lecture_N(lecture):
    return bigram_counts(lecture.words, lecture.vocab)


class CommandLine:
    """A command line run in this process by its main(argv), with what it printed read from capsys."""

    def __init__(self, capsys, main: Callable[[list[str]], int]):
        self.capsys, self.main = capsys, main

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        """(exit code, stdout, stderr)."""
        try:
            code = self.main(list(argv))
        except SystemExit as e:  # argparse exits on a bad option
            code = e.code
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *argv: str):
        """The object `ARGV --json` prints; the command must succeed."""
        code, out, err = self(*argv, "--json")
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def cli(capsys) -> CommandLine:
    """`python -m bigram_core ARGV`, in this process."""
    return CommandLine(capsys, bigram_core.cli.main)


@pytest.fixture
def script(capsys) -> CommandLine:
    """The installed `bigram-lab ARGV` (the same commands plus serve), in this process."""
    return CommandLine(capsys, bigram_lab.cli.main)


APPTEST_NAMES = frozenset({"open_page", "AppTest"})  # what a test calls to run a view
# Libraries' internals a test may read: attribute names, or a key of a library's wire format.
INTERNALS = frozenset(
    {
        "_data_caches",  # streamlit's registry of st.cache_data caches
        "styler",  # streamlit's wire format of a styled dataframe: its display values and CSS ids
        "MediaFileManager",  # AppTest's media files, to fetch what a deferred download serves
        "MemoryMediaFileStorage",
        "bdata",  # plotly's base64 encoding of a numpy array in a figure's JSON
        "get_freeze_count",  # how many objects the libraries leave behind once imported
    }
)


def names_reached(function) -> set[str]:
    """The names and string constants in `function`'s code, in the code nested in it, and in the functions of
    tests/ it names, and so on: what a test reads, directly or through a helper."""
    names: set[str] = set()
    seen = set()
    todo = [(function.__code__, function.__globals__)]
    while todo:
        code, scope = todo.pop()
        if code in seen:
            continue
        seen.add(code)
        names.update(code.co_names)
        names.update(c for c in code.co_consts if isinstance(c, str))
        todo += [(c, scope) for c in code.co_consts if isinstance(c, types.CodeType)]
        for helper in (scope.get(name) for name in code.co_names):
            if inspect.isfunction(helper) and helper.__module__.startswith("tests."):
                todo.append((helper.__code__, helper.__globals__))
    return names


def pytest_collection_modifyitems(items):
    """Mark `apptest` every test that runs a view in AppTest, also in modules that mix them with core tests
    (tests/test_view_*.py and tests/test_pages.py are marked as a whole by their pytestmark), and `internals`
    every test that reads one of INTERNALS, itself, through a fixture or through a helper."""
    for item in items:
        if not hasattr(item, "function"):
            continue
        functions = [item.function]
        for defs in item._fixtureinfo.name2fixturedefs.values():
            functions += [d.func for d in defs if inspect.isfunction(d.func)]
        reached = set().union(*map(names_reached, functions))
        if APPTEST_NAMES & reached and not item.get_closest_marker("apptest"):
            item.add_marker(pytest.mark.apptest)
        if INTERNALS & reached and not item.get_closest_marker("internals"):
            item.add_marker(pytest.mark.internals)
