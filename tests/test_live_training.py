"""The live-training controller on a plain dict: pacing, Start/Stop/Step/Reset, settings that apply mid-run."""

import pytest
import torch

from bigram_core import fit, parse_text
from bigram_core.neural import train_chunk
from ui import live_training
from ui.live_training import LiveTraining, Run, init_inputs, steps_due

WORDS = parse_text("emma\nolivia\nava\nisabella\nsophia\nmia\n", "six.txt")


@pytest.fixture
def trainer():
    session: dict = {}
    init_inputs(session)
    return LiveTraining(session, WORDS)


def run_to_end(trainer: LiveTraining, now: float = 0.0, tick: float = 0.05) -> int:
    """Call advance() as the fragment's timer would, `tick` seconds apart; the number of redraws."""
    redraws = 0
    while not trainer.advance(now):
        now += tick
        redraws += 1
        assert redraws < 10_000
    return redraws


def test_pace_spreads_the_steps_and_keeps_the_fraction():
    run = Run(target=100, clock=0.0)
    assert [steps_due(run, 0, 25.0, t) for t in (0.02, 0.05, 0.07)] == [0, 1, 0]  # 1 step per 40 ms
    assert steps_due(run, 1, 25.0, 0.13) == 2
    assert steps_due(run, 3, None, 0.13) == 97  # flat out: the rest of the run


def test_a_paced_run_ends_where_fit_does_and_draws_every_step_or_two(trainer):
    trainer.session["pace"] = "25 steps/s"
    trainer.session["steps"] = 20
    trainer.start()
    trainer.run.clock = 0.0
    redraws = run_to_end(trainer)
    assert 20 / 25 / 0.05 <= redraws <= 20 / 25 / 0.05 + 2  # 16 redraws for 20 steps at 25 steps/s
    W, records = fit(WORDS.counts, steps=20)
    assert [r.loss for r in trainer.net.records] == pytest.approx([r.loss for r in records])
    assert torch.allclose(trainer.net.W, W) and trainer.run is None


def test_a_long_run_stops_where_stop_is_pressed(trainer):
    trainer.session.update(pace="100 steps/s", steps=100_000)
    trainer.start()
    trainer.advance(trainer.run.clock + 0.5)
    done = len(trainer.net.records)
    assert 0 < done <= 50  # what the pace allows, cut short if the slice's time runs out
    trainer.stop()
    assert trainer.advance() is False and len(trainer.net.records) == done


def test_the_learning_rate_changes_from_the_next_step(trainer):
    trainer.session.update(pace="as fast as possible", steps=2, lr=50.0)
    trainer.step()
    trainer.session["lr"] = 1.0
    trainer.step()
    W, _ = fit(WORDS.counts, steps=1, lr=50.0)
    expected = W.clone()
    train_chunk(expected, WORDS.counts, 1, lr=1.0, reg=0.01, start=1)
    assert torch.allclose(trainer.net.W, expected) and trainer.net.settings["lr"] == 1.0


def test_divergence_keeps_the_last_good_net_and_says_why(trainer):
    trainer.session.update(pace="as fast as possible", lr=1e7)
    trainer.start()
    run_to_end(trainer)
    assert "diverged" in trainer.error and torch.isfinite(trainer.net.W).all()


def test_reset_and_a_new_word_list(trainer):
    trainer.step()
    assert len(trainer.net.records) == 1
    other = LiveTraining(trainer.session, parse_text("anna\nbob\n", "two.txt"))
    assert other.net is None  # trained on another list: not this list's net
    trainer.reset()
    assert trainer.net is None and "training_run" not in trainer.session


def test_the_initial_w_is_scored_once_per_setting(trainer, monkeypatch):
    calls = []
    real = live_training.count_loss_and_grad
    monkeypatch.setattr(live_training, "count_loss_and_grad", lambda *a: calls.append(a) or real(*a))
    W, loss, grad = trainer.initial()
    assert trainer.initial()[1] == loss and len(calls) == 1  # the curve's start and the heatmap share it
    assert loss == pytest.approx(float(real(W, WORDS.counts, 0.01)[0])) and grad.shape == W.shape
    trainer.session["lambda"] = 0.0
    assert trainer.initial()[1] < loss and len(calls) == 2
