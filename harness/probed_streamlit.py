"""`streamlit` with a memory probe: python -m harness.probed_streamlit run app.py … runs the server exactly as
`python -m streamlit run app.py …` does, and on SIGUSR1 writes what the process holds, as JSON, to the file named
by $BIGRAM_PROBE (written whole, then renamed into place):
- malloc_in_use_mb: bytes glibc's malloc has handed out and not had back (mallinfo2's uordblks and hblkhd, all
  arenas): tensors, numpy and pandas buffers, Python objects over 512 bytes; malloc_free_mb: freed chunks the
  arenas keep for reuse;
- pymalloc_in_use_mb: bytes in the blocks of Python's small-object allocator in use (sys._debugmallocstats):
  every Python object up to 512 bytes, strings and numbers included; pymalloc_arenas_mb: its 1 MiB arenas;
- gc_objects: objects the garbage collector tracks, not counting those gc.freeze() put aside;
- rss_mb: the resident set, for comparison.
RSS counts memory that was freed but that the allocators keep for reuse (malloc arenas, pymalloc's arenas still
holding a single live object); the in-use figures count only what is live. benchmarks/memory.py judges growth on
them. The app itself never imports this.
"""

import ctypes
import gc
import json
import os
import re
import signal
import sys
import tempfile

from streamlit.web.cli import main


class MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def pymalloc_stats() -> dict[str, int]:
    """sys._debugmallocstats() writes to the C stderr: read it from a temporary file put in its place."""
    with tempfile.TemporaryFile() as out:
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read().decode(errors="replace")
    return {
        key: int(value.replace(",", ""))
        for key, value in re.findall(
            r"^# (bytes in allocated blocks|arenas allocated current) += +([\d,]+)", text, re.M
        )
    }


def snapshot() -> dict[str, float]:
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    info = libc.mallinfo2()
    with open("/proc/self/status") as status:
        rss_kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    pymalloc = pymalloc_stats()
    return {
        "malloc_in_use_mb": (info.uordblks + info.hblkhd) / 2**20,
        "malloc_free_mb": info.fordblks / 2**20,  # freed, kept in the arenas for reuse
        "pymalloc_in_use_mb": pymalloc["bytes in allocated blocks"] / 2**20,
        "pymalloc_arenas_mb": pymalloc["arenas allocated current"],  # 1 MiB each
        "gc_objects": len(gc.get_objects()),
        "rss_mb": rss_kb / 1024,
    }


def write_snapshot(signum, frame) -> None:
    """The snapshot as the process is, and again after a full garbage collection ("collected_" keys)."""
    path = os.environ["BIGRAM_PROBE"]
    now = snapshot()
    gc.collect()
    now |= {f"collected_{key}": value for key, value in snapshot().items()}
    with open(path + ".tmp", "w") as out:
        json.dump(now, out)
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, write_snapshot)
    sys.argv[0] = "streamlit"
    main()
