"""On a machine without chromium the README's test command still passes: the browser tests skip, saying why."""

import os
import subprocess
import sys

import pytest

from harness.browser import ROOT
from ui import pages


@pytest.mark.slow  # a second pytest, which imports the browser tests
def test_browser_tests_skip_with_a_reason_without_chromium():
    env = {**os.environ, "BIGRAM_LAB_CHROMIUM": "/nonexistent/chromium"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "tests/test_e2e.py",
            "tests/test_serve.py",
            "-k",
            "every_view or public_name_loads or through_the_proxy",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    # test_e2e's every-view test once per view, and test_serve's two browser tests
    assert lines[-1].startswith(f"{len(pages.VIEWS) + 2} skipped"), lines[-1]
    assert sum("SKIPPED" in line and "Debian's chromium is not installed" in line for line in lines) >= 2, lines
