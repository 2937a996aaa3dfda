"""The CLI contract: defaults, JSON shapes, the lecture's figures, exit code 2 with one line for bad input."""
import json
import subprocess
import sys

import pytest

from bigram_core.cli import main
from tests.conftest import LECTURE_NAMES


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def cli(*argv):
    """A real process, to see exit codes and stderr exactly as a script would."""
    return subprocess.run([sys.executable, "-m", "bigram_core", *argv], capture_output=True, text=True, timeout=120)


def test_stats_bundled(capsys):
    stats = run_json(capsys, "stats")
    assert stats == {"words": 32469, "unique_words": 29910, "bigrams": 231718,
                     "vocab": ".abcdefghijklmnopqrstuvwxyz", "min_len": 2, "max_len": 15}


def test_stats_lecture(capsys, lecture):
    stats = run_json(capsys, "stats", "--data", str(LECTURE_NAMES))
    assert (stats["words"], stats["unique_words"], stats["bigrams"]) == (32033, 29494, 228146)


def test_train_prints_the_lectures_losses(lecture):
    result = cli("train", "--data", str(LECTURE_NAMES))
    assert result.returncode == 0
    losses = [line.split()[1] for line in result.stdout.splitlines() if line.split()[0].isdigit()]
    assert losses[0] == "3.7686" and losses[-1] == "2.4901" and len(losses) == 100


def test_train_json(capsys, lecture):
    result = run_json(capsys, "train", "--data", str(LECTURE_NAMES), "--steps", "5", "--method", "onehot")
    assert [round(x, 4) for x in result["losses"]] == [3.7686, 3.3788, 3.1611, 3.0272, 2.9345]
    assert result["steps"] == 5 and result["seconds"] > 0 and result["data_nll"] < result["losses"][-1]


def test_sample_neural_prints_the_lectures_names(lecture):
    result = cli("sample", "--model", "neural", "--data", str(LECTURE_NAMES))
    assert result.returncode == 0
    assert result.stdout.split() == ["cexze", "momasurailezityha", "konimittain", "llayn", "ka"]


def test_sample_options(capsys):
    names = run_json(capsys, "sample", "-n", "8", "--prefix", "jo", "--temperature", "0.7", "--seed", "1")["names"]
    assert len(names) == 8 and all(n.startswith("jo") for n in names)
    assert len(set(run_json(capsys, "sample", "--model", "uniform", "-n", "3")["names"])) == 3


def test_breakdown_infinite_is_a_string(capsys, lecture):
    result = run_json(capsys, "breakdown", "andrejq", "--smoothing", "0", "--data", str(LECTURE_NAMES))
    assert result["nll"] == "inf" and result["log_likelihood"] == "-inf" and result["model"] == "counts"
    jq = result["bigrams"][-2]
    assert jq == {"pair": "jq", "count": 0, "prob": 0.0, "logprob": "-inf", "nll": "inf"}


def test_breakdown_people_table(capsys, lecture):
    code, out, _ = run(capsys, "breakdown", "andrejq", "--smoothing", "0", "--data", str(LECTURE_NAMES))
    assert code == 0 and "jq      0  0.0000     -inf     inf" in out


def test_evaluate_counts_and_neural(capsys, lecture):
    counts = run_json(capsys, "evaluate", "--data", str(LECTURE_NAMES))
    assert counts["bigrams"] == 228146 and round(counts["nll"], 2) == 2.45
    neural = run_json(capsys, "evaluate", "--model", "neural", "--steps", "300", "--data", str(LECTURE_NAMES))
    assert counts["nll"] < neural["nll"] < 2.6  # the net approaches the counts model from above


@pytest.mark.parametrize("argv, message", [
    (["stats", "--data", "/no/such/file.txt"], "No such file"),
    (["stats", "--data", "/"], "is a directory"),
    (["breakdown", "Zoe"], "'Z' at position 1"),
    (["evaluate", "--smoothing", "-1"], "Smoothing k"),
    (["sample", "--temperature", "0"], "Temperature"),
    (["sample", "-n", "-2"], "number of names"),
    (["train", "--lr", "1e9", "--steps", "50"], "diverged at step"),
    (["train", "--steps", "ten"], "invalid int value"),
    (["train", "--init", "ones"], "invalid choice"),
    (["dance"], "invalid choice"),
])
def test_bad_input_exit_2_one_line(argv, message):
    result = cli(*argv)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_bad_files_exit_2(tmp_path):
    cases = {"latin1.txt": "emma\nrené\n".encode("latin-1"), "utf16.txt": "emma\n".encode("utf-16"),
             "dot.txt": b"emma\na.b\n", "empty.txt": b"  \n\n"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        result = cli("stats", "--data", str(tmp_path / name))
        assert result.returncode == 2 and result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, name
