"""The CLI contract: defaults, JSON shapes, the lecture's figures, exit code 2 with one line for bad input.

Commands run in this process (the `cli` and `script` fixtures); the last test starts a real one."""

import subprocess
import sys

import pytest

from bigram_core import probabilities
from bigram_core.ngram import ngram_counts, ngram_examples
from bigram_core.splits import split
from bigram_core.tuning import examples_nll
from tests.conftest import BUNDLED_STATS, LECTURE_NAMES


def test_stats_bundled(cli):
    stats = cli.json("stats")
    assert stats == BUNDLED_STATS


def test_stats_lecture(cli, lecture):
    stats = cli.json("stats", "--data", str(LECTURE_NAMES))
    assert (stats["words"], stats["unique_words"], stats["bigrams"]) == (32033, 29494, 228146)


def test_train_prints_the_lectures_losses(cli, lecture):
    code, out, _ = cli("train", "--data", str(LECTURE_NAMES))
    assert code == 0
    losses = [line.split()[1] for line in out.splitlines() if line.split()[0].isdigit()]
    assert losses[0] == "3.7686" and losses[-1] == "2.4901" and len(losses) == 100


def test_train_json(cli, lecture):
    result = cli.json("train", "--data", str(LECTURE_NAMES), "--steps", "2", "--method", "onehot")
    assert [round(x, 4) for x in result["losses"]] == [3.7686, 3.3788]
    assert result["steps"] == 2 and result["seconds"] > 0 and result["data_nll"] < result["losses"][-1]


def test_sample_neural_prints_the_lectures_names(cli, lecture):
    code, out, _ = cli("sample", "--model", "net", "--data", str(LECTURE_NAMES))
    assert code == 0
    assert out.split() == ["cexze", "momasurailezityha", "konimittain", "llayn", "ka"]


def test_sample_video_sampler_prints_the_videos_names(cli, lecture):
    data = ["--data", str(LECTURE_NAMES)]
    assert cli.json("sample", *data, "--sampler", "video")["names"] == [
        "mor",
        "axx",
        "minaymoryles",
        "kondlaisah",
        "anchshizarie",
    ]
    assert cli.json("sample", *data, "--sampler", "torch")["names"][0] == "cexze"


def test_sample_options(cli):
    names = cli.json("sample", "-n", "8", "--prefix", "jo", "--temperature", "0.7", "--seed", "1")["names"]
    assert len(names) == 8 and all(n.startswith("jo") for n in names)
    assert len(set(cli.json("sample", "--model", "uniform", "-n", "3")["names"])) == 3


def test_breakdown_infinite_is_a_string(cli, lecture):
    result = cli.json("breakdown", "andrejq", "--smoothing", "0", "--data", str(LECTURE_NAMES))
    assert result["nll"] == "inf" and result["log_likelihood"] == "-inf" and result["model"] == "counts"
    jq = result["bigrams"][-2]
    assert jq == {"pair": "jq", "count": 0, "prob": 0.0, "logprob": "-inf", "nll": "inf"}


def test_breakdown_people_table(cli, lecture):
    code, out, _ = cli("breakdown", "andrejq", "--smoothing", "0", "--data", str(LECTURE_NAMES))
    assert code == 0 and "jq      0  0.0000     -inf     inf" in out


def test_evaluate_counts_and_neural(cli, lecture):
    counts = cli.json("evaluate", "--data", str(LECTURE_NAMES))
    assert counts["bigrams"] == 228146 and round(counts["nll"], 2) == 2.45
    neural = cli.json("evaluate", "--model", "net", "--steps", "300", "--data", str(LECTURE_NAMES))
    assert counts["nll"] < neural["nll"] < 2.6  # the net approaches the counts model from above


def test_extreme_but_valid_settings(cli):
    greedy = cli.json("sample", "--temperature", "1e-40", "-n", "2")["names"]
    assert greedy[0] == greedy[1]  # every draw is its row's likeliest character: the same name each time
    assert len(cli.json("sample", "--smoothing", "0", "--temperature", "1e300", "-n", "3")["names"]) == 3
    code, out, err = cli("train", "--steps", "0")
    assert code == 0 and "steps" in out and err == ""


@pytest.mark.parametrize(
    "argv, message",
    [
        (["stats", "--data", "/no/such/file.txt"], "No such file"),
        (["stats", "--data", "/"], "is a directory"),
        (["breakdown", "Zoe"], "'Z' at position 1"),
        (["evaluate", "--smoothing", "-1"], "Smoothing k"),
        (["sample", "--temperature", "0"], "Temperature"),
        (["sample", "-n", "-2"], "-2 is outside 0 to 100,000"),
        (["sample", "-n", "1000000000"], "outside 0 to 100,000"),
        (["train", "--steps", "1000000000"], "outside 0 to 1,000,000"),
        (["train", "--lr", "1e9", "--steps", "50"], "diverged at step"),
        (["train", "--steps", "ten"], "'ten' is not a whole number"),
        (["train", "--init", "ones"], "invalid choice"),
        (["sample", "--sampler", "numpy"], "invalid choice: 'numpy'"),
        (["dance"], "invalid choice"),
    ],
)
def test_bad_input_exit_2_one_line(cli, argv, message):
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and err.startswith("error: ")


def test_bad_files_exit_2(cli, tmp_path):
    cases = {
        "latin1.txt": "emma\nrené\n".encode("latin-1"),
        "utf16.txt": "emma\n".encode("utf-16"),
        "dot.txt": b"emma\na.b\n",
        "empty.txt": b"  \n\n",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        code, _, err = cli("stats", "--data", str(tmp_path / name))
        assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, name


# The lecture's exercises: --order, evaluate --split, tune. Without them every output is as above.


def test_order_2_is_the_default_exactly(cli, lecture):
    data = ["--data", str(LECTURE_NAMES)]
    for argv in (
        ["evaluate"],
        ["evaluate", "--model", "net", "--steps", "20"],
        ["breakdown", "andrej"],
        ["sample", "-n", "10"],
        ["train", "--steps", "5"],
    ):
        plain, ordered = cli.json(*argv, *data), cli.json(*argv, *data, "--order", "2")
        for result in (plain, ordered):
            result.pop("seconds", None)  # train's wall time
        expected = {**plain, "order": 2} if argv[0] == "evaluate" else plain  # evaluate reports a given order
        assert ordered == expected, argv


def test_stats_order(cli, lecture):
    stats = cli.json("stats", "--data", str(LECTURE_NAMES), "--order", "3")
    assert stats["order"] == 3 and stats["contexts"] == 602 and stats["bigrams"] == 228146  # of 729 contexts
    assert cli.json("stats", "--data", str(LECTURE_NAMES), "--order", "2")["contexts"] == 27


def test_wider_context_on_the_lecture(cli, lecture):
    data = ["--data", str(LECTURE_NAMES), "--smoothing", "0.1"]
    nll = {n: cli.json("evaluate", *data, "--order", str(n))["nll"] for n in (2, 3, 4)}
    assert nll[2] > nll[3] > nll[4]
    b = cli.json("breakdown", "emma", *data, "--order", "3")
    assert [r["pair"] for r in b["bigrams"]] == ["..e", ".em", "emm", "mma", "ma."]
    names = cli.json("sample", *data, "--order", "4", "-n", "20", "--seed", "3")["names"]
    again = cli.json("sample", *data, "--order", "4", "-n", "20", "--seed", "3")["names"]
    assert len(names) == 20 and names == again


def test_train_order_3(cli):
    result = cli.json("train", "--order", "3", "--steps", "5")
    assert result["steps"] == 5 and result["losses"] == sorted(result["losses"], reverse=True)


def test_evaluate_split(cli, lecture):
    data = ["--data", str(LECTURE_NAMES), "--order", "3", "--smoothing", "0.1"]
    got = cli.json("evaluate", *data, "--split", "dev", "--split-seed", "7", "--dedupe")
    s = split(lecture.words, seed=7, dedupe=True)
    P = probabilities(ngram_counts(s.train, s.vocab, 3), 0.1)
    want = examples_nll(P, *ngram_examples(s.dev, s.vocab, 3))
    assert got == {
        "model": "counts",
        "split": "dev",
        "nll": want.nll,
        "log_likelihood": want.log_likelihood,
        "bigrams": want.bigrams,
        "order": 3,
    }
    train, test = (cli.json("evaluate", *data, "--split", part)["nll"] for part in ("train", "test"))
    assert train < test  # fitted on train
    neural = cli.json("evaluate", "--data", str(LECTURE_NAMES), "--split", "test", "--model", "net")
    assert 2.4 < neural["nll"] < 2.6 and neural["bigrams"] == 22866


def test_tune(cli, lecture, tmp_path):
    result = cli.json("tune", "--data", str(LECTURE_NAMES), "--order", "3")
    assert list(result) == ["model", "order", "sweep", "chosen", "test_nll"] and result["order"] == 3
    assert result["sweep"][0] == {"strength": 0.0, "train_nll": result["sweep"][0]["train_nll"], "dev_nll": "inf"}
    assert result["chosen"] == 0.1 and round(result["test_nll"], 4) == 2.2240
    some = tmp_path / "some.txt"
    some.write_text("\n".join(lecture.words[:2000]))  # a net trained to convergence per λ: keep the list small
    neural = cli.json("tune", "--model", "net", "--dedupe", "--split-seed", "1", "--data", str(some))
    assert neural["model"] == "net" and neural["chosen"] in [p["strength"] for p in neural["sweep"]]


def test_tune_people_table(cli, lecture):
    code, out, _ = cli("tune", "--data", str(LECTURE_NAMES))
    lines = out.splitlines()
    assert code == 0 and lines[2].split() == ["k", "train_nll", "dev_nll"] and lines[3].split()[0] == "0"
    assert lines[-2].split() == ["chosen", "k", "0.316"] and lines[-1].split() == ["test_nll", "2.4580"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["stats", "--order", "6"], "order n must be one of 2, 3, 4, 5"),
        (["sample", "--order", "1"], "order n must be one of"),
        (["evaluate", "--order", "three"], "invalid int value"),
        (["evaluate", "--dedupe"], "use them with --split"),
        (["evaluate", "--split", "valid"], "invalid choice"),
        (["train", "--order", "3", "--method", "onehot"], "over the 50,000,000-cell limit"),
        (["tune", "--model", "uniform"], "invalid choice"),
    ],
)
def test_exercise_bad_input_exit_2_one_line(cli, argv, message):
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and err.startswith("error: ")


def test_split_of_a_tiny_list_exit_2(cli, tmp_path):
    (tmp_path / "three.txt").write_text("ab\nba\naa\n")
    code, _, err = cli("evaluate", "--data", str(tmp_path / "three.txt"), "--split", "dev")
    assert code == 2 and "dev part of a split of 3 words is empty" in err


def test_bigram_lab_script_runs_the_same_commands(cli, script):
    """`bigram-lab` is `python -m bigram_core` plus serve: same output, same exit code 2 with one line."""
    for argv in (
        ["stats", "--json"],
        ["breakdown", "andrej"],
        ["stats", "--order", "9"],
        ["stats", "--data", "no.txt"],
    ):
        expected = cli(*argv)
        assert script(*argv) == expected
    assert expected == (2, "", "error: No such file: no.txt.\n")


def test_bigram_lab_bad_option_names_its_own_help(script):
    assert script("train", "--steps", "x") == (
        2,
        "",
        "error: argument --steps: 'x' is not a whole number (see `bigram-lab train --help`)\n",
    )


# --- a real process: the entry point's exit code and output, as a shell sees them -----------------------------


def test_python_m_bigram_lab_exits_2_with_one_line():
    done = subprocess.run(
        [sys.executable, "-m", "bigram_lab", "train", "--steps", "x"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "error: argument --steps: 'x' is not a whole number (see `bigram-lab train --help`)\n"
