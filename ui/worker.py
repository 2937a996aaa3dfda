"""Heavy work of one request, run in a worker process where it cannot stall the other sessions.

Streamlit runs every session's script in a thread of one server process. Pure-Python work (parsing a 500,000-line
upload, counting its words) holds the interpreter's lock the whole time, so every other student's rerun waits
behind it; and a computation that allocates a lot swells the process the whole class shares. run(fn, *args) calls
fn(*args) in a worker process instead and returns its result:

- one worker (the machine has 2 cores: one for the server, one for heavy work), spawned on first use, so that
  importing this module, a test or the CLI starts nothing; jobs from many sessions queue for it. It runs at a
  lower priority (nice NICENESS): when the cores are busy, the server's reruns come first;
- a memory limit: the worker's address space may grow MEMORY_LIMIT past its size once torch is imported
  (RLIMIT_AS); an allocation past it fails in the job, which ends with a sentence, and the worker carries on;
- a CPU limit per job: CPU_LIMIT seconds (RLIMIT_CPU's soft limit, moved up for each job); past it SIGXCPU
  stops the job with a sentence. A signal reaches Python only between bytecodes, so a job stuck in one long call
  of C code is ended after STUCK_LIMIT seconds by faulthandler's watchdog, a C thread that exits the worker;
- a wait limit: the caller waits WAIT_LIMIT seconds at most, a job queued behind others included;
- a worker that dies (a crash, the kernel's OOM killer) fails its jobs with a sentence, and the next job
  starts a new worker.

Arguments and results travel as plain pickles: torch.multiprocessing's reductions would move tensors through
shared memory. The limits are Linux's (a class server); elsewhere jobs run in the worker without them. No
Streamlit here: the views call run() around functions of bigram_core.
"""

import concurrent.futures
import ctypes
import faulthandler
import multiprocessing
import os
import pickle
import re
import signal
import sys
import threading
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import torch

from bigram_core import BigramError

if sys.platform.startswith("linux"):
    import resource
else:  # Windows has no resource module; macOS does not enforce RLIMIT_AS
    resource = None  # type: ignore[assignment]

MEMORY_LIMIT = 512 * 2**20  # bytes of address space a job may add: the budgets keep a job under ~200 MB resident
CPU_LIMIT = 10  # seconds of CPU a job may take: the budgets keep a job near 1 s
STUCK_LIMIT = 30.0  # seconds a job may run before its worker is ended
WAIT_LIMIT = 60.0  # seconds a caller waits for its job, queueing included
NICENESS = 10
ALLOCATION_FAILED = re.compile(r"can't allocate memory|Cannot allocate memory")

_lock = threading.Lock()  # sessions run in threads of their own: one of them creates the pool
_pool: concurrent.futures.ProcessPoolExecutor | None = None


class OverTime(Exception):
    """Raised in a job by SIGXCPU: the job used its CPU_LIMIT."""


# --- in the worker process ----------------------------------------------------------------------------------


def address_space() -> int:
    """This process's virtual memory size (VmSize) in bytes."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmSize:\s+(\d+) kB", status).group(1)) * 1024  # type: ignore[union-attr]


def _over_time(signum, frame) -> None:
    raise OverTime


def _start(memory_limit: int) -> None:
    """The worker's initializer: its priority, one torch thread, the CPU signal, then the memory limit from its
    current size."""
    if hasattr(os, "nice"):
        os.nice(NICENESS)
    torch.set_num_threads(1)
    if resource is not None:
        signal.signal(signal.SIGXCPU, _over_time)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = address_space() + memory_limit
        resource.setrlimit(resource.RLIMIT_AS, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _limit_cpu(seconds: int | None) -> None:
    """SIGXCPU once this process has used `seconds` more CPU than now; None: no limit (up to the hard one)."""
    if resource is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = hard if seconds is None else int(usage.ru_utime + usage.ru_stime) + 1 + seconds
    resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))


def _job(payload: bytes, memory_limit: int, cpu_limit: int, stuck_limit: float) -> bytes:
    """Unpickle (fn, args, kwargs), run it under the limits, and pickle what it returns."""
    fn, args, kwargs = pickle.loads(payload)
    _limit_cpu(cpu_limit)
    with open(os.devnull, "w") as quiet:  # the watchdog's stack dump is no use in the server's log
        faulthandler.dump_traceback_later(stuck_limit, exit=True, file=quiet)
        try:
            return _answer(fn, args, kwargs, memory_limit, cpu_limit)
        finally:
            faulthandler.cancel_dump_traceback_later()
            _limit_cpu(None)
            _trim()


def _answer(fn, args, kwargs, memory_limit: int, cpu_limit: int) -> bytes:
    """fn(*args, **kwargs) pickled; running out of time or memory is a BigramError with a sentence."""
    try:
        return pickle.dumps(fn(*args, **kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    except OverTime:
        raise BigramError(
            f"This took more than {cpu_limit:g} seconds of the server's time, so it was stopped; "
            "try a smaller word list or setting."
        ) from None
    except (MemoryError, RuntimeError) as e:
        if isinstance(e, RuntimeError) and not ALLOCATION_FAILED.search(str(e)):
            raise
        raise BigramError(
            f"This needed more than the {memory_limit / 2**20:,.0f} MB of memory one request may use on this "
            "server, so it was stopped; try a smaller word list or setting."
        ) from None


def _trim() -> None:
    """Give a large job's freed memory back to the system: glibc would keep it in the worker's heap."""
    libc = ctypes.CDLL(None) if resource is not None else None
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


# --- in the server ------------------------------------------------------------------------------------------


def _executor() -> concurrent.futures.ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            # spawn: a fork of the server would copy its many threads' held locks
            _pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start,
                initargs=(MEMORY_LIMIT,),
            )
        return _pool


def _discard(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Forget a broken pool, so that the next job starts a new worker."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def _submit(payload: bytes) -> tuple[concurrent.futures.ProcessPoolExecutor, concurrent.futures.Future]:
    """The pool and the job's future; a pool that an earlier job broke, or that another session shut down on
    finding it broken, is replaced first."""
    pool = _executor()
    try:
        return pool, pool.submit(_job, payload, MEMORY_LIMIT, CPU_LIMIT, STUCK_LIMIT)
    except RuntimeError:  # BrokenProcessPool, or "cannot schedule new futures after shutdown"
        _discard(pool)
        pool = _executor()
        return pool, pool.submit(_job, payload, MEMORY_LIMIT, CPU_LIMIT, STUCK_LIMIT)


def run(fn, *args, **kwargs):
    """fn(*args, **kwargs) in the worker process, and its result; fn is a module-level function (it is pickled by
    name). A BigramError from fn is raised as it is; running out of memory or time, a dead worker and a full
    queue each raise a BigramError of one sentence."""
    payload = pickle.dumps((fn, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    pool = None
    try:
        pool, future = _submit(payload)
        return pickle.loads(future.result(timeout=WAIT_LIMIT))
    except BrokenProcessPool:
        if pool is not None:
            _discard(pool)
        raise BigramError(
            "The server's worker process stopped while computing this (out of memory, or stuck); "
            "try again, or with a smaller word list or setting."
        ) from None
    except concurrent.futures.TimeoutError:
        future.cancel()  # if it has not started, it never will
        raise BigramError(
            f"The server is busy with other work: this did not finish within {WAIT_LIMIT:g} seconds; "
            "try again in a moment."
        ) from None


def shutdown() -> None:
    """Stop the worker (tests; a server's exit does this by itself)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
