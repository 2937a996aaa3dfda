"""The live run on /training: Start, Stop, Step and Reset, and gradient descent trained in paced slices.

The view's live fragment calls `advance` on every redraw; each call trains what the pace allows by now (at most
SLICE seconds of it) so Streamlit gets control back many times a second and a click on Stop cuts in at once.
Training runs flat out; only how many steps each redraw shows is paced. The learning rate, λ and the pace are
read at every slice, so changing them during a run applies from the next step. Everything lives in a session
mapping (st.session_state in the app, a plain dict in the tests).
"""

import time
from collections.abc import MutableMapping
from dataclasses import dataclass

import streamlit as st
import torch

from bigram_core import BigramError, WordList, init_weights, limits
from bigram_core.neural import Diverged, count_loss_and_grad, train_chunk

from . import state
from .url import Choice, Flag, Number

SLICE = 0.025  # seconds of training per redraw at most
INITS = {"random": "randn", "zeros": "zeros"}
PACES = {"25 steps/s": 25.0, "5 steps/s": 5.0, "100 steps/s": 100.0, "as fast as possible": None}
DEFAULT_PACE = "25 steps/s"  # the lecture's 100 steps in 4 s: a class sees the curve grow
MAX_CATCH_UP = 1.0  # seconds: back from another page, a paced run goes on without a burst
LECTURE = state.LECTURE_TRAINING
# The inputs, as the URL names them (/training?lr=10&steps=200&lambda=0.1): the lecture's values by default.
# λ is `lambda` here: Smoothing's `reg` is a slider over a few values, and one session key cannot serve both.
LR = Number("lr", LECTURE["lr"], 0.0, limits.LEARNING_RATE)
STEPS = Number("steps", LECTURE["steps"], 1, limits.SERVER_STEPS, integer=True)
REG = Number("lambda", LECTURE["reg"], 0.0, limits.REG_STRENGTH)
INIT = Choice("init", "random", tuple(INITS))
PACE = Choice("pace", DEFAULT_PACE, tuple(PACES))
LOG = Flag("log")
PARAMS = (LR, STEPS, REG, INIT, PACE, LOG)
DEFAULTS = {p.key: p.default for p in PARAMS}


@dataclass
class Run:
    """A run in progress: train the session's net up to `target` steps; `clock` is when the pace counts from."""

    target: int
    clock: float


def steps_due(run: Run, done: int, pace: float | None, now: float) -> int:
    """How many steps this redraw may train: the rest of the run flat out, or what the pace allows by `now`."""
    if pace is None:
        return run.target - done
    elapsed = min(now - run.clock, MAX_CATCH_UP)
    due = int(elapsed * pace)
    run.clock = now - (elapsed - due / pace)  # keep the fraction of a step for the next redraw
    return min(due, run.target - done)


class LiveTraining:
    """The training controls of one session over its word list."""

    def __init__(self, session: MutableMapping, words: WordList):
        self.session, self.words = session, words

    @classmethod
    def here(cls) -> "LiveTraining":
        """The controller of the current Streamlit session."""
        return cls(st.session_state, state.words())

    # --- what the session holds ------------------------------------------------------------------------------

    @property
    def run(self) -> Run | None:
        return self.session.get("training_run")

    @property
    def net(self) -> state.Net | None:
        """The session's net if it was trained on the current word list."""
        net = self.session.get("net")
        return net if net is not None and net.digest == self.words.digest else None

    @property
    def error(self) -> str | None:
        return self.session.get("training_error")

    def settings(self) -> dict:
        """The inputs as the session holds them (callbacks run before the widgets are drawn again)."""
        s = self.session
        return {
            "lr": float(s["lr"]),
            "reg": float(s["lambda"]),
            "seed": int(s.get("seed", state.SEED)),
            "init": INITS[s["init"]],
        }

    def pace(self) -> float | None:
        return PACES[self.session["pace"]]

    def target(self) -> int:
        """The step count the curve's x axis runs to: the run's, or the inputs' (at least what is done)."""
        done = len(self.net.records) if self.net else 0
        return self.run.target if self.run else max(int(self.session["steps"]), done)

    def initial(self) -> tuple[torch.Tensor, float, torch.Tensor]:
        """The initial W the inputs give (V, V), its loss (where the curve will start) and its W.grad (V, V):
        computed once for each list, seed, init and λ, however many parts of the page draw it."""
        s = self.settings()
        key = (self.words.digest, s["seed"], s["init"], s["reg"])
        held = self.session.get("training_initial")
        if held is None or held[0] != key:
            W = init_weights(len(self.words.vocab), s["seed"], s["init"])
            loss, _, grad = count_loss_and_grad(W, self.words.counts, s["reg"])
            held = key, (W, float(loss), grad)
            self.session["training_initial"] = held
        return held[1]

    # --- the buttons -----------------------------------------------------------------------------------------

    def start(self) -> None:
        """Train up to Steps, resuming a stopped run; a finished run starts over from the initial W."""
        self.session.pop("training_error", None)
        net = self._current_net()
        target = int(self.session["steps"])
        if len(net.records) >= target:
            self._fresh_net()
        self.session["training_run"] = Run(target, time.perf_counter())

    def stop(self) -> None:
        self.session.pop("training_run", None)

    def step(self) -> None:
        """One step of gradient descent with the inputs' settings."""
        self.session.pop("training_error", None)
        s = self.settings()
        self._train(self._current_net(), 1, s["lr"], s["reg"])

    def restore(self, trained: str | None) -> bool:
        """On a session's first visit, retrain the net a link names (?trained=N) from the inputs' settings:
        cheaper than keeping it. True if it did."""
        if self.session.get("training_restored"):
            return False
        self.session["training_restored"] = True
        steps = int(trained) if trained and trained.isdigit() else 0
        if self.net is not None or not 0 < steps <= limits.SERVER_STEPS:
            return False
        s = self.settings()
        self._train(self._fresh_net(), steps, s["lr"], s["reg"])
        return True

    def reset(self) -> None:
        for key in ("training_run", "net", "training_error"):
            self.session.pop(key, None)

    def advance(self, now: float | None = None) -> bool:
        """Train the slice that is due; True once the run has ended (finished, failed or its list replaced)."""
        run, net = self.run, self.net
        if run is None:
            return False
        if net is None:  # the word list changed under the run
            self.stop()
            return True
        s = self.settings()
        due = steps_due(run, len(net.records), self.pace(), time.perf_counter() if now is None else now)
        ok = due == 0 or self._train(net, due, s["lr"], s["reg"], SLICE)
        if not ok or len(net.records) >= run.target:
            self.stop()
            return True
        return False

    # --- the net ---------------------------------------------------------------------------------------------

    def _fresh_net(self) -> state.Net:
        s = self.settings()
        net = state.Net(init_weights(len(self.words.vocab), s["seed"], s["init"]), self.words.digest, s)
        self.session["net"] = net
        return net

    def _current_net(self) -> state.Net:
        """The session's net if it started from the inputs' seed and init, else a fresh one."""
        net, s = self.net, self.settings()
        if net is None or (net.settings["seed"], net.settings["init"]) != (s["seed"], s["init"]):
            return self._fresh_net()
        return net

    def _train(self, net: state.Net, steps: int, lr: float, reg: float, seconds: float | None = None) -> bool:
        """Up to `steps` steps; False, with the reason kept for the page, if training cannot go on."""
        error = None
        try:
            net.records += train_chunk(net.W, self.words.counts, steps, lr, reg, len(net.records), seconds)
        except Diverged as e:
            net.records += e.records
            error = str(e)
        except BigramError as e:
            error = str(e)
        if net.records and (net.settings["lr"], net.settings["reg"]) != (lr, reg):
            net.settings["changed"] = True  # changed during training: a link cannot retrain it
        net.settings.update(lr=lr, reg=reg)
        if error:
            self.session["training_error"] = error
        if not net.records:  # nothing trained: leave the other views no net
            self.session.pop("net", None)
        return error is None


def init_inputs(session: MutableMapping) -> None:
    """The inputs' defaults, for a session that has no widgets (the view binds them to the URL instead)."""
    for key, value in DEFAULTS.items():
        session.setdefault(key, value)


def act(action: str) -> None:
    """A button's callback: LiveTraining.here().<action>()."""
    getattr(LiveTraining.here(), action)()
