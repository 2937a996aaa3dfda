"""The Exercises view's sections: E01–E05, each answered by a measurement on the loaded word list, and the
train/dev/test split they share."""

import numpy as np
import pandas as pd
import streamlit as st
import torch

from bigram_core import BigramError, Vocabulary, WordList, bigram_examples, limits, probabilities, sample
from bigram_core.exercises import LOOKUPS, Lookups, measure_lookups, overflow
from bigram_core.limits import check_table, one_hot_examples, sample_examples, sample_words
from bigram_core.ngram import ORDERS, contexts_seen, n_contexts, ngram_counts
from bigram_core.splits import PARTS, SPLIT_SEED, Split, split
from bigram_core.tuning import MODELS, STRENGTH, Tuning, tune
from ui import presenter, state, url, worker
from ui.charts.exercises import orders_chart, sweep_chart
from ui.format import code, count, md, num

SAMPLES = 10
SPLIT_SEED_PARAM = url.Number("split_seed", SPLIT_SEED, *limits.SERVER_SPLIT_SEEDS, integer=True)
DEDUPE = url.Flag("dedupe")
COMPARED = url.Several("orders", (2, 3, 4), ORDERS)
TUNED = url.Choice("tune", "counts", MODELS)
TUNE_ORDER = url.Number("tune_order", 3, ORDERS[0], ORDERS[-1], integer=True)
MAX_LOGIT = url.Number("max_logit", 100.0, 1.0, 200.0)
TIMING_REPEATS = 2  # 3 lookups × 2 passes on the lecture's 228,146 examples: best of 2 keeps a click near 0.6 s


def session_split(digest: str, seed: int, dedupe: bool, words: tuple[str, ...]) -> Split:
    """The split, kept in the session rather than st.cache_data, which would pickle it on every rerun."""
    return state.session_memo("ex_split", (digest, seed, dedupe), lambda: split(words, seed, dedupe=dedupe))


def exercise_words(words: WordList) -> tuple[str, ...]:
    """The words the exercises use: all of them, or a seeded sample whose examples fit the budget."""
    if words.n_bigrams <= limits.EXERCISE_EXAMPLES:
        return words.words
    return state.session_memo(
        "ex_words", words.digest, lambda: sample_words(words.words, limits.EXERCISE_EXAMPLES, lengths=words.lengths)
    )


def orders_text(runs: dict[int, Tuning]) -> str:
    """What the orders chart shows, read from its numbers."""
    orders = list(runs)
    train = [runs[n].best.train_nll for n in orders]
    dev = [runs[n].best.dev_nll for n in orders]
    best = orders[dev.index(min(dev))]
    falls = all(b <= a for a, b in zip(train, train[1:]))
    said = [
        f"Train NLL {'falls' if falls else 'does not fall steadily'} from n = {orders[0]} to n = {orders[-1]} "
        f"({num(train[0])} → {num(train[-1])})."
    ]
    if len(orders) > 1:
        said.append(
            f"Dev NLL is lowest at n = {best} ({num(min(dev))})"
            + (" and rises after it: the larger tables memorise train." if best != orders[-1] else ".")
        )
    return " ".join(said) + " Each order has Vⁿ⁻¹ rows to estimate from the same words."


@state.word_list_cache(max_entries=32)
def cached_tuning(digest: str, seed: int, dedupe: bool, order: int, model: str, _split: Split) -> Tuning:
    """A sweep on dev: its key is the word list, the split and the model, not the Split object itself."""
    return worker.run(tune, _split, order, model)


@state.word_list_cache(max_entries=16)
def cached_seen(digest: str, seed: int, dedupe: bool, order: int, _split: Split) -> int:
    """How many of the order's contexts occur in train."""
    return contexts_seen(ngram_counts(_split.train, _split.vocab, order))


@state.word_list_cache(max_entries=16)
def cached_names(
    digest: str, seed: int, dedupe: bool, order: int, k: float, sample_seed: int, _split: Split
) -> list[str]:
    """Names from the counts model of this order fitted on train at its chosen k."""
    P = probabilities(ngram_counts(_split.train, _split.vocab, order), k)
    return [s.name for s in sample(P, _split.vocab, SAMPLES, sample_seed, order=order)]


@state.word_list_cache(max_entries=4)
def cached_lookups(digest: str, run: int, weights: np.ndarray, _xs: torch.Tensor, _ys: torch.Tensor) -> Lookups:
    """E04 and E05 on the net `weights` (V, V), in the worker; `run` counts the user's "measure again"."""
    return measure_lookups(torch.from_numpy(weights), _xs, _ys, TIMING_REPEATS, run=worker.run)


def strength(model: str, x: float) -> str:
    """k = 0.1, λ = 0.000316."""
    return f"{STRENGTH[model]} = {x:.3g}"


# The split's seed and whether repeats go first: every exercise below is measured on this split.
def split_settings() -> tuple[int, bool]:
    with presenter.controls():
        left, right = st.columns(2)
        seed = url.number_input(
            SPLIT_SEED_PARAM,
            left,
            "Split seed",
            step=1,
            help="Seeds random.Random(seed).shuffle, as makemore part 2 does.",
        )
        dedupe = url.widget(
            DEDUPE,
            right.toggle,
            "Remove repeated words before splitting",
            help="A word in the list twice can land in train and in dev: dev then rewards memory.",
        )
    return int(seed), bool(dedupe)


# The words used (a sample of a long list) cut into train, dev and test.
def the_split(words: WordList, seed: int, dedupe: bool) -> tuple[tuple[str, ...], Split]:
    used = exercise_words(words)
    if len(used) < len(words.words):
        st.info(
            f"{md(words.name)} has {words.n_bigrams:,} bigram examples, more than one click may compute on: the "
            f"exercises use a seeded sample of {len(used):,} of its {len(words.words):,} words "
            f"(at most {limits.EXERCISE_EXAMPLES:,} examples)."
        )
    parts = session_split(words.digest, seed, dedupe, used)
    if parts.sizes["dev"] < limits.MIN_DEV_WORDS:
        st.warning(
            f"The dev part has {count(parts.sizes['dev'], 'word')}: too few for its loss to tell one setting "
            f"from another, so the choices below mean little. A list of {10 * limits.MIN_DEV_WORDS:,} words or more "
            "gives a dev part that does."
        )
    return used, parts


def e01_context(parts: Split, settings: tuple) -> None:
    st.header("E01 · A context of n − 1 characters")
    st.write(
        "Predict the next character from the previous n − 1 (padded with '.' at the start of a word): n = 2 is "
        "the bigram model, n = 3 the trigram. The counts table grows to Vⁿ⁻¹ rows, one per context; each order "
        "gets its own smoothing k, chosen on dev."
    )
    about = "Order 5 has 27⁴ = 531,441 contexts on a–z: a few seconds."
    with presenter.controls():
        orders = sorted(
            url.widget(COMPARED, st.multiselect, "Orders to compare", ORDERS, default=COMPARED.default, help=about)
        )
    runs = {}
    try:
        with st.spinner("Counting and tuning each order…"):
            for order in orders:
                check_table(order, len(parts.vocab))
                runs[order] = cached_tuning(*settings, order, "counts", parts)
    except BigramError as e:
        st.error(md(str(e)))
    if not runs:
        return
    cols = st.columns(len(runs))
    base = runs.get(2)
    for col, (order, t) in zip(cols, runs.items()):
        delta = None if base is None or order == 2 else f"{t.test_nll - base.test_nll:+.4f} vs bigram"
        col.metric(f"Test NLL, n = {order}", num(t.test_nll), delta, delta_color="inverse")
    left, right = st.columns(2)
    left.plotly_chart(orders_chart(runs), key="ex_orders_chart")
    table = pd.DataFrame(
        {
            "n": list(runs),
            "contexts seen": [
                f"{cached_seen(*settings, n, parts):,} of {n_contexts(n, len(parts.vocab)):,}" for n in runs
            ],
            "chosen k": [f"{t.chosen:.3g}" for t in runs.values()],
            "train": [num(t.best.train_nll) for t in runs.values()],
            "dev": [num(t.best.dev_nll) for t in runs.values()],
            "test": [num(t.test_nll) for t in runs.values()],
        }
    ).set_index("n")
    right.dataframe(table)
    right.caption(orders_text(runs))
    names_at_an_order(runs, parts, settings)


# Names from one of the compared orders' counts models.
def names_at_an_order(runs: dict[int, Tuning], parts: Split, settings: tuple) -> None:
    shown = url.Choice("sample_order", str(list(runs)[-1]), [str(n) for n in runs])
    order = int(url.widget(shown, st.selectbox, "Sample names at order", shown.options, index=len(runs) - 1))
    with st.spinner("Sampling…"):
        names = cached_names(*settings, order, runs[order].chosen, state.seed(), parts)
    st.write(" · ".join(code(name) for name in names))
    st.caption(
        f"From the order-{order} counts model fitted on train at k = {runs[order].chosen:.3g}, with the "
        "sidebar's seed. The net for order n is the same table W of Vⁿ⁻¹ × V weights, picked by the one-hot "
        "of the context's number; concatenating the n − 1 characters' one-hots instead would add one weight "
        "row per position, which cannot learn what a pair of characters means together."
    )


def e02_split(parts: Split) -> None:
    st.header("E02 · Train, dev and test")
    st.write("Shuffle the words with a seed and cut them 80 / 10 / 10. Fit on train, choose on dev, report test.")
    cols = st.columns(5)
    for col, part in zip(cols, PARTS):
        col.metric(f"{part} words", f"{parts.sizes[part]:,}")
    cols[3].metric("Repeats removed", f"{parts.duplicates_removed:,}")
    cols[4].metric(
        "Dev/test words in train",
        f"{parts.leaked:,}",
        help="Dev and test words that also occur in train: a word in the list more than once can sit on both "
        "sides of the cut unless repeats are removed first.",
    )


def e03_tuning(parts: Split, settings: tuple) -> None:
    st.header("E03 · Tune the smoothing k and the regularisation λ on dev")
    st.write(
        "Fit at every strength on train, plot train and dev loss, choose the lowest dev loss, and only then look at "
        "test."
    )
    with presenter.controls():
        left, right = st.columns(2)
        captions = ["smoothing k", "the net, regularisation λ"]
        model = url.widget(TUNED, left.radio, "Model", MODELS, horizontal=True, captions=captions)
        tune_order = url.widget(TUNE_ORDER, right.selectbox, "Order n", ORDERS, index=ORDERS.index(TUNE_ORDER.default))
    try:
        check_table(tune_order, len(parts.vocab))
        if model == "net":
            cells = (cached_seen(*settings, tune_order, parts) + 1) * len(parts.vocab)
            if cells > limits.NET_TUNING_CELLS:
                raise BigramError(
                    f"At order {tune_order} this list's net has {cells:,} weights to train to convergence at every "
                    f"λ, more than the {limits.NET_TUNING_CELLS:,} one click may train; choose a lower order or the "
                    "counts model."
                )
        busy = "Fitting at every k…" if model == "counts" else "Training the net to convergence at every λ…"
        with st.spinner(busy):
            t = cached_tuning(*settings, tune_order, model, parts)
    except BigramError as e:
        st.error(md(str(e)))
        return
    cols = st.columns(3)
    cols[0].metric("Chosen on dev", strength(model, t.chosen))
    cols[1].metric("Its dev NLL", num(t.best.dev_nll))
    cols[2].metric("Its test NLL", num(t.test_nll), help="Measured once, for the chosen setting only.")
    st.plotly_chart(sweep_chart(t), key="ex_sweep_chart")
    if t.sweep[0].strength == 0:
        k0 = t.sweep[0]
        st.caption(
            f"k = 0 has no place on a log axis: train NLL {num(k0.train_nll)}, dev NLL {num(k0.dev_nll)}"
            + (" — a dev n-gram that train never saw has probability 0." if k0.dev_nll == float("inf") else ".")
        )
    with st.expander("Every strength"):
        st.dataframe(
            pd.DataFrame(
                {
                    STRENGTH[model]: [f"{p.strength:.3g}" for p in t.sweep],
                    "train NLL": [num(p.train_nll) for p in t.sweep],
                    "dev NLL": [num(p.dev_nll) for p in t.sweep],
                }
            ),
            hide_index=True,
        )


def e04_lookup(W: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, measured: str, net: str, digest: str) -> Lookups:
    st.header("E04 · Index rows instead of multiplying by one-hots")
    st.write(
        f"`F.one_hot(xs) @ W` multiplies {len(xs):,} one-hot rows by W only to copy row xs of W: `W[xs]` copies "
        f"it directly. Measured on {measured} of the list with {net}."
    )
    if st.button("Measure again", key="ex_measure", icon=":material/timer:"):
        st.session_state["ex_timing_run"] = st.session_state.get("ex_timing_run", 0) + 1
    with st.spinner("Timing…"):
        try:
            lookups = cached_lookups(digest, st.session_state.get("ex_timing_run", 0), W.detach().numpy(), xs, ys)
        except BigramError as e:  # the worker could not measure: one sentence in place of E04 and E05
            st.error(md(str(e)))
            st.stop()
    cols = st.columns(3)
    cols[0].metric(
        "Logits identical",
        "yes, bit for bit" if lookups.identical else "no",
        help="torch.equal of W[xs], W.index_select(0, xs) and the one-hot product, over every example.",
    )
    forward, backward = lookups.forward, lookups.backward
    cols[1].metric("W[xs] forward", f"{forward['one-hot @ W'] / forward['W[xs]']:.1f}× faster")
    cols[2].metric("W[xs] forward + backward", f"{backward['one-hot @ W'] / backward['W[xs]']:.1f}× the speed")
    st.dataframe(
        pd.DataFrame(
            {
                "lookup": list(LOOKUPS),
                "forward (ms)": [f"{forward[name] * 1e3:.2f}" for name in LOOKUPS],
                "forward + backward (ms)": [f"{backward[name] * 1e3:.2f}" for name in LOOKUPS],
            }
        ),
        hide_index=True,
    )
    st.caption(
        "Forward, indexing wins easily. Backward, W[xs] gathers its gradient with an accumulating index_put, "
        "which on a CPU can be slower than the one-hot's matmul; W.index_select(0, xs), the same rows, "
        "accumulates with index_add and is the fastest both ways. "
        f"Best of {TIMING_REPEATS} runs; a shared machine is noisy."
    )
    return lookups


def e05_cross_entropy(W: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor, lookups: Lookups) -> None:
    st.header("E05 · F.cross_entropy instead of the manual softmax")
    st.write(
        "The lecture's loss — exp, normalise, −log p of the label, mean — is `F.cross_entropy(logits, ys)`. "
        "The difference shows with large logits: float32's exp overflows past e^88.7."
    )
    trained = lookups.trained  # the net's own logits
    cols = st.columns(3)
    cols[0].metric("Largest |logit| of the net", num(trained.max_logit, 2))
    cols[1].metric("Manual softmax NLL", num(trained.manual))
    cols[2].metric(
        "F.cross_entropy",
        num(trained.cross_entropy),
        f"{trained.cross_entropy - trained.manual:+.1e}",
        delta_color="off",
        delta_arrow="off",
    )
    label = "Scale W so the largest |logit| is"
    scale = url.widget(
        MAX_LOGIT, st.slider, label, MAX_LOGIT.lo, MAX_LOGIT.hi, MAX_LOGIT.default, step=1.0, format="%.0f"
    )
    try:
        big = worker.run(overflow, W, xs, ys, scale)
    except BigramError as e:
        st.error(md(str(e)))
        return
    cols = st.columns(3)
    cols[0].metric(
        "Manual softmax NLL",
        num(big.manual),
        help="exp(logit) past 3.4e38 is inf in float32: inf / inf = nan, x / inf = 0 and −log 0 = ∞.",
    )
    cols[1].metric(
        "F.cross_entropy",
        num(big.cross_entropy),
        help="It subtracts each row's largest logit before exp, so no exp exceeds 1.",
    )
    cols[2].metric("Exact (float64)", num(big.exact))


# The examples E04 and E05 measure on: every bigram of the words used, or a seeded sample of them.
def lookup_examples(used: tuple[str, ...], vocab: Vocabulary) -> tuple[torch.Tensor, torch.Tensor, str]:
    every = bigram_examples(used, vocab)
    xs, ys = sample_examples(*every, one_hot_examples(len(vocab)))
    measured = (
        "every bigram"
        if len(xs) == len(every[0])
        else f"a seeded sample of {len(xs):,} of the {len(every[0]):,} bigrams"
    )
    return xs, ys, measured
