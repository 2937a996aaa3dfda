"""The worker process (ui/worker.py): a job runs there, a job past its memory or time fails with one sentence, and
a worker that dies is replaced by the next job."""

import itertools
import os
import time

import pytest
import streamlit as st
import torch

from bigram_core import BigramError, parse_bytes
from bigram_core.data import parse_ready
from tests.apptest import assert_clean, open_page
from ui import worker


@pytest.fixture(autouse=True, scope="module")
def stopped_after():
    yield
    worker.shutdown()


# Jobs: module-level, so that the worker finds them by name.


def refuse() -> None:
    raise BigramError("One sentence from the job.")


def spin(n: int) -> int:
    """Pure Python: SIGXCPU reaches it between bytecodes."""
    i = 0
    while i < n:
        i += 1
    return i


def stuck() -> int:
    """One long call of C code, which no Python signal handler interrupts."""
    return sum(itertools.repeat(1, 10**12))


def test_a_job_runs_in_another_process_at_a_lower_priority_and_returns_its_result():
    assert worker.run(os.getpid) != os.getpid()
    assert worker.run(os.nice, 0) == os.nice(0) + worker.NICENESS
    W = torch.randn(27, 27, generator=torch.Generator().manual_seed(1))
    assert torch.equal(worker.run(torch.mul, W, 2.0), W * 2)
    with pytest.raises(BigramError, match=r"^One sentence from the job\.$"):
        worker.run(refuse)


def test_an_upload_parsed_there_arrives_with_its_figures():
    data = b"emma\nolivia\nava\nemma\n"
    words = worker.run(parse_ready, data, "mine.txt")
    assert words == parse_bytes(data, "mine.txt")
    assert {"digest", "vocab", "counts", "lengths", "summary"} <= set(words.__dict__)
    assert torch.equal(words.counts, parse_bytes(data).counts) and words.summary.most_repeated == ("emma", 2)


def test_a_job_past_the_memory_limit_fails_with_a_sentence_and_the_worker_carries_on():
    pid = worker.run(os.getpid)
    with pytest.raises(BigramError, match=r"more than the 512 MB of memory one request may use"):
        worker.run(torch.ones, 2**29)  # 2 GB of float32
    assert worker.run(os.getpid) == pid
    assert worker.run(sum, [1, 2, 3]) == 6


def test_a_job_past_the_cpu_limit_fails_with_a_sentence(monkeypatch):
    monkeypatch.setattr(worker, "CPU_LIMIT", 1)
    pid = worker.run(os.getpid)
    with pytest.raises(BigramError, match=r"took more than 1 seconds of the server's time, so it was stopped"):
        worker.run(spin, 10**11)
    assert worker.run(os.getpid) == pid  # the same worker, and its limit moved up again
    assert worker.run(spin, 10) == 10


def test_a_job_stuck_in_c_code_is_ended_and_the_next_job_gets_a_new_worker(monkeypatch):
    monkeypatch.setattr(worker, "STUCK_LIMIT", 2.0)
    pid = worker.run(os.getpid)
    with pytest.raises(BigramError, match=r"worker process stopped while computing this"):
        worker.run(stuck)
    assert worker.run(os.getpid) != pid


def test_a_crashed_worker_is_one_sentence_and_the_pool_recovers():
    pid = worker.run(os.getpid)
    with pytest.raises(BigramError, match=r"^The server's worker process stopped while computing this"):
        worker.run(os._exit, 1)
    assert worker.run(os.getpid) != pid
    assert worker.run(sum, [4]) == 4


def test_a_pool_another_session_shut_down_is_replaced():
    pid = worker.run(os.getpid)
    worker._executor().shutdown(wait=True)  # as a session does that found it broken, between another's two steps
    assert worker.run(os.getpid) != pid


def test_a_caller_waits_a_bounded_time(monkeypatch):
    worker.run(sum, [])  # started
    monkeypatch.setattr(worker, "WAIT_LIMIT", 0.5)
    started = time.perf_counter()
    with pytest.raises(BigramError, match=r"^The server is busy with other work: this did not finish within 0.5"):
        worker.run(time.sleep, 3)
    assert time.perf_counter() - started < 2
    monkeypatch.setattr(worker, "WAIT_LIMIT", 60.0)
    assert worker.run(sum, [5]) == 5  # after the sleeping job


# --- the views when the worker cannot answer ------------------------------------------------------------------

STOPPED = "The server's worker process stopped while computing this (out of memory, or stuck); try again."


@pytest.fixture
def no_worker(monkeypatch):
    def stopped(*args, **kwargs):
        raise BigramError(STOPPED)

    monkeypatch.setattr(worker, "run", stopped)
    st.cache_data.clear()  # figures other tests computed for the bundled list would answer instead


@pytest.mark.apptest
def test_an_upload_the_worker_cannot_parse_is_one_sentence_and_the_list_stays(no_worker):
    at = open_page("dataset")
    words = at.session_state["words"]
    at.sidebar.file_uploader[0].set_value(("mine.txt", b"emma\nolivia\n", "text/plain")).run()
    assert_clean(at)
    assert [e.value for e in at.sidebar.error] == [STOPPED] and at.session_state["words"] is words


@pytest.mark.apptest
@pytest.mark.parametrize("page", ["exercises", "smoothing"])
def test_a_view_whose_figures_the_worker_cannot_compute_says_so_in_a_sentence(no_worker, page):
    at = open_page(page)
    assert_clean(at)
    assert at.error and all(e.value == STOPPED for e in at.error)
