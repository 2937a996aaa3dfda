"""The server's settings: the caps and protections in .streamlit/config.toml, one torch thread, and memory freed
promptly by a server that runs many sessions for a long time."""

import gc
import platform
import threading
import tomllib
from pathlib import Path

import torch

from bigram_core.limits import WORD_LIST_BYTES
from tests.apptest import assert_clean, open_page
from ui import process

ROOT = Path(__file__).resolve().parents[1]


def test_torch_runs_one_thread_in_every_thread_after_the_app_starts():
    """torch.set_num_threads sets the default every thread takes up when it first runs torch: app.py calls it
    in its script thread, and a thread started afterwards (another session's script) computes with one."""
    torch.set_num_threads(2)
    assert_clean(open_page("dataset"))
    seen = {}
    thread = threading.Thread(target=lambda: seen.setdefault("threads", torch.get_num_threads()))
    thread.start()
    thread.join()
    assert seen["threads"] == 1


def test_the_server_process_frees_memory_promptly():
    """A full collection after every script run, and malloc capped at two arenas (ui/process.py says why)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is True
    if platform.libc_ver()[0] == "glibc":
        assert process.cap_malloc_arenas(process.glibc(), process.ARENAS)


def test_the_collection_after_a_run_skips_the_libraries_objects():
    process.tune()  # app.py's first call; idempotent
    assert gc.get_freeze_count() > 100_000  # torch, plotly, pandas and streamlit: ~250,000 objects


def test_server_settings():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    server, client = config["server"], config["client"]
    assert server["maxUploadSize"] * 1024 * 1024 == WORD_LIST_BYTES  # Streamlit reads it as MiB: the same cap, exactly
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True
    assert {"localhost", "127.0.0.1"} <= set(server["allowedHosts"]) and "*" not in server["allowedHosts"]
    assert client["showErrorDetails"] in ("type", "none")
