"""Once per server process, on first import: settings for a server that runs many sessions for a long time.

Memory allocator: glibc gives each new thread its own malloc arena, up to 8 per core, and Streamlit runs every
session's script in a thread of its own. A classroom's sessions then spread their word lists over 16 arenas, and
memory a closed session frees stays with its arena, as holes the next session's allocations rarely fit: the
server's RSS climbed from pass to pass of benchmarks/memory.py by tens of MB and never came back. Capped at 2
arenas (what MALLOC_ARENA_MAX=2 does, set here so that `streamlit run app.py` needs no environment), freed
memory is reused and the RSS levels off. Threads started before this import keep their arenas.

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
import sys

import pandas  # noqa: F401 -- imported here so that they are frozen
import plotly.graph_objects as go
import torch  # noqa: F401

import bigram_core  # noqa: F401
from ui import charts, format, sidebar, state  # noqa: F401

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 2


def cap_malloc_arenas(arenas: int) -> bool:
    """mallopt(M_ARENA_MAX, arenas) where the C library is glibc; True if it took."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None).mallopt(M_ARENA_MAX, arenas) == 1
    except (OSError, AttributeError):  # a C library without mallopt
        return False


cap_malloc_arenas(ARENAS)
go.Figure(go.Heatmap(z=[[0]]), layout={"template": "plotly_white"}).to_json()  # plotly loads its validators lazily
gc.collect()  # garbage made by the imports is freed, not frozen
gc.freeze()
