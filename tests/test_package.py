"""The installed package: `pip install .` into a fresh venv, then `bigram-lab` from another directory.

The new venv sees the packages of the environment running the tests (torch, streamlit, setuptools, … as
requirements-dev.txt pins them) through a .pth file, as --system-site-packages would for a system Python (and
unlike it, also when the tests run in a venv). pip runs with --no-index and without build isolation: everything
it needs is already installed, so nothing is downloaded (a range such as torch>=2.13 resolved from an index would
fetch the CUDA build on Linux).
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.browser import ROOT, run_coroutine, serve_class
from tests.conftest import BUNDLED_STATS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh venv with `pip install .` of a copy of this checkout (the checkout itself is not written to)."""
    tmp = tmp_path_factory.mktemp("install")
    source = tmp / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "artifacts", "__pycache__", ".pytest_cache"),
    )
    env = tmp / "venv"
    # Without a pip of its own: ensurepip's older setuptools would shadow the pinned one, which reads PEP 639's
    # license field; the venv runs this environment's pip.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    purelib = subprocess.run(
        [env / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages") and Path(p).is_dir()]
    (Path(purelib) / "tested-environment.pth").write_text("\n".join(ours) + "\n")
    done = subprocess.run(
        [env / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-index", "--no-build-isolation", str(source)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    shutil.rmtree(source)  # the installed copy must stand on its own
    return env


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """A working directory with nothing of the project in it."""
    return tmp_path


def test_bigram_lab_stats_from_another_directory(venv, elsewhere):
    done = subprocess.run(
        [venv / "bin" / "bigram-lab", "stats", "--json"], cwd=elsewhere, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == BUNDLED_STATS


def test_installed_modules_and_app_come_from_the_venv(venv, elsewhere):
    code = (
        "import bigram_core, bigram_lab.serve as s, bigram_core.data as d; "
        "print(bigram_core.__file__); print(s.app_dir()); print(d.BUNDLED)"
    )
    done = subprocess.run([venv / "bin" / "python", "-c", code], cwd=elsewhere, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    core, app, names = map(Path, done.stdout.split())
    for path in (core, app, names):
        assert venv in path.parents
    for part in ("app.py", "views/dataset.py", "views/training.py", "ui/sidebar.py", ".streamlit/config.toml"):
        assert (app / part).is_file(), part


def test_python_m_bigram_core_and_the_script_agree(venv, elsewhere):
    argv = ["sample", "-n", "3", "--json"]
    a = subprocess.run(
        [venv / "bin" / "python", "-m", "bigram_core", *argv],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
    )
    b = subprocess.run([venv / "bin" / "bigram-lab", *argv], cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert a.returncode == b.returncode == 0 and a.stdout == b.stdout and len(json.loads(a.stdout)["names"]) == 3


def test_bad_input_is_one_line_and_exit_2(venv, elsewhere):
    done = subprocess.run(
        [venv / "bin" / "bigram-lab", "stats", "--data", "missing.txt"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and done.stderr == "error: No such file: missing.txt.\n" and done.stdout == ""


def test_installed_serve_runs_the_app(venv, elsewhere):
    """`bigram-lab serve` of the venv starts the installed app: a session's first run draws the dataset view."""
    from harness.st_client import Session
    from harness.st_server import children

    async def first_page(base: str) -> list[str]:
        async with Session(base) as session:
            return [e.markdown.body for e in session.elements.values() if e.WhichOneof("type") == "markdown"]

    with serve_class(command=[str(venv / "bin" / "bigram-lab")], cwd=elsewhere) as (base, _, proc):
        (streamlit,) = children(proc.pid)
        app = Path(f"/proc/{streamlit}/cmdline").read_bytes().split(b"\0")[4].decode()
        texts = run_coroutine(first_page(base))
    assert venv in Path(app).parents and app.endswith("bigram_lab/app/app.py")
    assert any("SSA 2017 names (bundled)" in t for t in texts), texts
    assert any("32,469 words" in t for t in texts), texts
