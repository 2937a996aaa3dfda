"""Numbers for people: infinity spelled ∞, probabilities and losses to 4 decimals."""
import math


def num(x: float, digits: int = 4) -> str:
    """x to `digits` decimals; ±∞ as the symbol, so an impossible word reads as ∞, not 'inf'."""
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return f"{x:.{digits}f}"


def size(nbytes: int) -> str:
    return f"{nbytes / 2**20:.1f} MB" if nbytes >= 100_000 else f"{nbytes / 1024:.1f} KB"
