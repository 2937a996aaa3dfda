from pathlib import Path

import pytest

from bigram_core import bigram_counts, load_path

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
