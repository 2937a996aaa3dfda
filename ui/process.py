"""Once per server process, on first import: memory settings for a server that runs many sessions for a long time.

Memory allocator: glibc gives each new thread its own malloc arena, up to 8 per core, and Streamlit runs every
session's script in a thread of its own; memory a closed session freed in one arena is of no use to a session
whose thread allocates from another. Capped at 2 arenas (what MALLOC_ARENA_MAX=2 does, set here so that
`streamlit run app.py` needs no environment), freed memory is more often reused. Threads started before this
import keep their arenas. benchmarks/memory.py measures both what the server holds, which stays flat, and its
RSS, which still rises: the allocators keep what they were given back.

Garbage collector: .streamlit/config.toml keeps runner.postScriptGC on, a full collection after every script run,
so that a closed session's word list and net are freed when Streamlit drops the session and not whenever Python
next gets round to a full collection. With torch, plotly and pandas loaded that collection walks about 250,000
objects and takes ~110 ms, too slow for a loss curve redrawn every 50 ms. gc.freeze() moves the objects alive
now, the libraries' modules, classes and functions, into a generation the collector never walks; the collection
then takes about a millisecond. Frozen objects are still freed by reference counting; only a cycle among them
would never be collected, and they live as long as the process anyway.
"""
import ctypes
import gc
import platform
import sys

import pandas  # noqa: F401 -- imported here so that they are frozen
import plotly.graph_objects as go
import torch  # noqa: F401

import bigram_core  # noqa: F401
from ui import charts, sidebar, state  # noqa: F401 -- with them ui.format

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 2


def glibc() -> ctypes.CDLL | None:
    """The process's C library if it is glibc, else None."""
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return None
    return ctypes.CDLL(None)


def cap_malloc_arenas(libc: ctypes.CDLL, arenas: int) -> bool:
    """mallopt(M_ARENA_MAX, arenas); True if it took."""
    return libc.mallopt(M_ARENA_MAX, arenas) == 1


if libc := glibc():
    cap_malloc_arenas(libc, ARENAS)
go.Figure(go.Heatmap(z=[[0]]), layout={"template": "plotly_white"}).to_json()  # plotly loads its validators lazily
gc.collect()  # garbage made by the imports is freed, not frozen
gc.freeze()
