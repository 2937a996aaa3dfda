"""The memory probe benchmarks/memory.py judges growth by: it sees what a process allocates, and frees."""

import platform

import pytest
import torch

from harness.probed_streamlit import snapshot

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallinfo2 is glibc's")


def test_small_objects_show_in_pymalloc_and_go_when_freed():
    before = snapshot()
    words = [f"word{i:07d}" for i in range(200_000)]  # ~60 bytes each: pymalloc's, ~12 MB
    held = snapshot()
    del words
    after = snapshot()
    assert 8 < held["pymalloc_in_use_mb"] - before["pymalloc_in_use_mb"] < 20
    assert abs(after["pymalloc_in_use_mb"] - before["pymalloc_in_use_mb"]) < 1


def test_a_tensor_shows_in_malloc_and_goes_when_freed():
    before = snapshot()
    W = torch.ones(1024, 1024 * 4)  # 16 MiB from malloc
    held = snapshot()
    del W
    after = snapshot()
    assert 15.5 < held["malloc_in_use_mb"] - before["malloc_in_use_mb"] < 17
    assert abs(after["malloc_in_use_mb"] - before["malloc_in_use_mb"]) < 1
