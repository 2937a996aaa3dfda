"""The one-word steps on /training: W from the seeded init, then at each click the lecture's `loss.backward()`
and `W.data += -0.1 * W.grad` on one word's examples, and the loss after every step.

What it keeps lives in a session mapping (st.session_state in the app, a plain dict in the tests).
"""

from collections.abc import MutableMapping

from bigram_core import WordList, init_weights, walkthrough, word_step

LR = 0.1  # the lecture's learning rate for the one-word steps
KEY = "training_word_steps"


def steps(session: MutableMapping, word: str, words: WordList, seed: int) -> dict:
    """The session's steps on `word`: W (V, V), the losses so far (the first at the initial W), the last W.grad
    (V, V) or None before a step; started afresh when the word, the seed or the word list changes."""
    owner = (word, seed, words.digest)
    held = session.get(KEY)
    if held is None or held["owner"] != owner:
        W = init_weights(len(words.vocab), seed)
        held = {"owner": owner, "W": W, "losses": [walkthrough(word, W, words.vocab).nll], "grad": None}
        session[KEY] = held
    return held


def step(session: MutableMapping, word: str, words: WordList, seed: int) -> None:
    """One step on the word's examples: W.grad, then W moved against it."""
    held = steps(session, word, words, seed)
    w = walkthrough(word, held["W"], words.vocab)
    _, held["grad"] = word_step(held["W"], w.xs, w.ys, LR)
    held["losses"].append(walkthrough(word, held["W"], words.vocab).nll)


def reset(session: MutableMapping) -> None:
    """Back to the seeded initial W."""
    session.pop(KEY, None)
