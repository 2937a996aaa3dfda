"""Sampling names from a probability matrix, exactly as the lecture does, plus temperature and prefix."""

from dataclasses import dataclass

import torch

from .errors import BigramError
from .limits import RUN_ON, SAMPLE_DRAWS
from .ngram import context_index
from .vocab import BOUNDARY, Vocabulary, typed

SEED = 2147483647
DEFAULT_MAX_LEN = 50  # characters of a drawn name before it is cut
# torch: today's torch.multinomial. video: what torch.multinomial drew when the lecture was recorded
# (mor. axx. …), reproduced by inverse-CDF sampling with one float64 uniform per draw.
SAMPLERS = ("torch", "video")
SAMPLER_NOTE = (
    "torch is today's torch.multinomial, whose algorithm changed after the lecture was recorded; video "
    "draws as torch did then (inverse CDF, one float64 torch.rand per draw), so seed 2147483647 gives the "
    "video's mor. axx. … instead of cexze. momasurailezitynn. …"
)


@dataclass(frozen=True)
class Step:
    """One draw: the row of P used (for `context`), the character drawn and its probability."""

    context: str
    probs: torch.Tensor  # (V,) the distribution the draw came from
    char: str
    prob: float


@dataclass(frozen=True)
class Sample:
    """A sampled name (without the '.' end token); `ended` is False if it was cut at the maximum length.

    `length` is how many characters the draw had before its '.' (more than len(name) when cut), or None
    when it never drew '.' within the draw budget: the names after it then differ from an uncut run.
    """

    name: str
    ended: bool
    steps: tuple[Step, ...]
    length: int | None = None


def with_temperature(P: torch.Tensor, temperature: float) -> torch.Tensor:
    """P ** (1/T), rows renormalised: T < 1 sharpens, T > 1 flattens, T = 1 returns P itself.

    Computed as softmax((log P - max log P) / T) in float64, so that even T = 5e-324 (every row's likeliest
    character, ties shared) and T = 1e300 (uniform over the possible characters) stay finite, not nan.
    """
    if not temperature > 0 or temperature == float("inf"):
        raise BigramError(f"Temperature must be a number > 0; got {temperature}.")
    if temperature == 1:
        return P
    logP = P.double().log()
    # Divided, not multiplied by 1/T: below T ≈ 5.6e-309 that is inf, and the row's max (0) times inf is nan.
    logits = (logP - logP.max(1, keepdim=True).values) / temperature
    return torch.softmax(logits, dim=1).to(P.dtype)


def draw(p: torch.Tensor, g: torch.Generator, sampler: str = "torch") -> int:
    """One index drawn from the row p (V,) with generator g, by `sampler` (see SAMPLERS)."""
    if sampler == "torch":
        return int(torch.multinomial(p, num_samples=1, replacement=True, generator=g).item())
    u = torch.rand(1, dtype=torch.float64, generator=g)
    cdf = p.double().cumsum(0)
    cdf = cdf / cdf[-1]  # the last entry is exactly 1 > u, so an index always exists
    return int(torch.searchsorted(cdf, u, right=True))  # right: a zero-probability index is never drawn


def sample(
    P: torch.Tensor,
    vocab: Vocabulary,
    n: int = 5,
    seed: int = SEED,
    temperature: float = 1.0,
    prefix: str = "",
    max_len: int = DEFAULT_MAX_LEN,
    order: int = 2,
    sampler: str = "torch",
) -> list[Sample]:
    """n names drawn from P (V, V) with a fresh torch.Generator seeded `seed`, as the lecture does.

    Each name starts after `prefix` (from '.' when empty) and draws one character at a time with
    torch.multinomial from the row of the last character, until '.'; a name is kept to `max_len` characters.
    At order n (ngram.py) P is (V^(n−1), V) and the row is that of the last n−1 characters, '.'-padded.
    sampler "video" draws as torch did when the lecture was recorded, one float64 uniform per draw (draw()).
    """
    if sampler not in SAMPLERS:
        raise BigramError(f"sampler must be one of {', '.join(SAMPLERS)}; got {sampler!r}.")
    if n < 0:
        raise BigramError(f"The number of names must be ≥ 0; got {n}.")
    if max_len < 1:
        raise BigramError(f"The maximum length must be at least 1; got {max_len}.")
    prefix = typed(prefix)
    prefix_ids = vocab.encode(prefix)
    if P.shape[0] != len(vocab) ** (order - 1):
        raise BigramError(
            f"P has {P.shape[0]} rows, but order {order} needs {len(vocab)}^{order - 1}, one per context."
        )
    if len(prefix) >= max_len:
        raise BigramError(f"The prefix {prefix!r} is already {len(prefix)} characters, the maximum length.")
    P = with_temperature(P, temperature)
    g = torch.Generator().manual_seed(seed)
    samples, run_on = [], SAMPLE_DRAWS  # draws past the cut that this call may still make
    for _ in range(n):
        out, steps, length, nxt = list(prefix), [], len(prefix), None
        context = ([0] * (order - 1) + prefix_ids)[len(prefix_ids) :]  # the last n−1 characters, '.'-padded
        # Past max_len the name is drawn on (not kept) so that the generator is where an uncut run leaves it.
        while length < max_len or run_on > 0 and length < max_len + RUN_ON:
            p = P[context_index(context, len(vocab))]
            nxt = draw(p, g, sampler)
            if length < max_len or length == max_len and nxt == 0:  # the kept draws and a '.' right at the cut
                steps.append(Step(vocab.decode(context), p, vocab.itos[nxt], float(p[nxt])))
            if length >= max_len:
                run_on -= 1
            context = context[1:] + [nxt]
            if nxt == 0:
                break
            if length < max_len:
                out.append(vocab.itos[nxt])
            length += 1
        ended = nxt == 0 and length <= max_len
        samples.append(Sample("".join(out), ended, tuple(steps), length if nxt == 0 else None))
    return samples


def names(samples: list[Sample]) -> list[str]:
    """The lecture's printout: each name with its '.' end token (no '.' when cut at the maximum length)."""
    return [s.name + (BOUNDARY if s.ended else "") for s in samples]
