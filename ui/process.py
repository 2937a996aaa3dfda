"""Settings for a server process that runs many sessions for a long time; app.py calls tune() on every run.

- torch: one thread. The tensors are tiny, and on 2 cores threads only contend with the other sessions.
- malloc: glibc gives each new thread its own arena, up to 8 per core, and Streamlit runs every session's script
  in a thread of its own, so memory a closed session freed in one arena is of no use to a session allocating from
  another. Two arenas (what MALLOC_ARENA_MAX=2 does, set here so `streamlit run app.py` needs no environment).
- uploads: starlette spools an upload past 1 MB to a temporary file; a word list is at most WORD_LIST_BYTES and is read
  into memory right after anyway, so the spool stays in memory and an upload never touches the disk.
- garbage collector: .streamlit/config.toml keeps runner.postScriptGC on, a full collection after every script
  run, so a closed session's word list and net are freed when Streamlit drops the session. With torch, plotly
  and pandas loaded that collection walks ~250,000 objects, too slow for a curve redrawn 20 times a second;
  gc.freeze() moves the objects alive once the libraries are loaded into a generation the collector never walks.
  Frozen objects are still freed by reference counting; they live as long as the process anyway.
"""

import ctypes
import gc
import platform
import sys

import pandas  # noqa: F401 -- the libraries the views use, loaded before gc.freeze()
import plotly.graph_objects as go
import torch
from starlette.formparsers import MultiPartParser

from bigram_core.limits import WORD_LIST_BYTES

from . import charts, state  # noqa: F401

M_ARENA_MAX = -8  # glibc's malloc.h
ARENAS = 2
_tuned = False


def glibc() -> ctypes.CDLL | None:
    """The process's C library if it is glibc, else None."""
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return None
    return ctypes.CDLL(None)


def cap_malloc_arenas(libc: ctypes.CDLL, arenas: int) -> bool:
    """mallopt(M_ARENA_MAX, arenas); True if it took."""
    return libc.mallopt(M_ARENA_MAX, arenas) == 1


def tune() -> None:
    """Apply the settings above: torch's thread count on every call (it is cheap), the rest once per process."""
    global _tuned
    torch.set_num_threads(1)
    if _tuned:
        return
    _tuned = True
    if libc := glibc():
        cap_malloc_arenas(libc, ARENAS)
    # +1 MiB for the multipart framing; Streamlit refuses anything larger with 413.
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, WORD_LIST_BYTES + 2**20)
    go.Figure(go.Heatmap(z=[[0]]), layout={"template": "plotly_white"}).to_json()  # plotly loads validators lazily
    gc.collect()  # garbage made by the imports is freed, not frozen
    gc.freeze()
