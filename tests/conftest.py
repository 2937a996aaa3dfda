import json
from collections.abc import Callable
from pathlib import Path

import pytest

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


APPTEST_NAMES = frozenset({"open_page", "AppTest"})  # what a test (or a fixture it uses) calls to run a view


def pytest_collection_modifyitems(items):
    """Mark `apptest` every test that runs a view in AppTest, also in modules that mix them with core tests
    (tests/test_view_*.py and tests/test_pages.py are marked as a whole by their pytestmark)."""
    for item in items:
        if item.get_closest_marker("apptest") or not hasattr(item, "function"):
            continue
        codes = [item.function.__code__]
        for defs in item._fixtureinfo.name2fixturedefs.values():
            codes += [d.func.__code__ for d in defs if hasattr(d.func, "__code__")]
        if any(APPTEST_NAMES & set(code.co_names) for code in codes):
            item.add_marker(pytest.mark.apptest)
