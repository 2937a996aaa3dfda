"""Word lists kept for links: an uploaded or fetched list is named in the URL by its digest (?list=…).

So that a reload, or a link a teacher sends, opens the same list, the server keeps each such list in memory (never
on disk) for KEEP_SECONDS after its last use, and at most KEEP_BYTES of them, least recently used first out. A
trained net is not kept: it is retrained from the URL's settings, which is cheap.
"""

import threading
import time
from collections import OrderedDict

from bigram_core import WordList

KEEP_SECONDS = 3 * 3600  # a lesson and then some
KEEP_BYTES = 256 * 2**20
WORD_OVERHEAD = 64  # bytes a Python str and its tuple slot take beyond the text itself

_lock = threading.Lock()  # every session's script runs in a thread of its own
_lists: "OrderedDict[str, tuple[WordList, float]]" = OrderedDict()


def footprint(words: WordList) -> int:
    """Roughly the bytes a list holds in memory: its text and a Python string per word."""
    return words.nbytes + WORD_OVERHEAD * len(words.words)


def _evict(now: float) -> None:
    for digest, (_, used) in list(_lists.items()):
        if now - used > KEEP_SECONDS:
            del _lists[digest]
    while _lists and sum(footprint(w) for w, _ in _lists.values()) > KEEP_BYTES:
        _lists.popitem(last=False)


def keep(words: WordList, now: float | None = None) -> bool:
    """Keep `words` for links; False if it alone is larger than the store (then a link cannot carry it)."""
    now = time.time() if now is None else now
    if footprint(words) > KEEP_BYTES:
        return False
    with _lock:
        _lists[words.digest] = (words, now)
        _lists.move_to_end(words.digest)
        _evict(now)
    return True


def find(digest: str, now: float | None = None) -> WordList | None:
    """The list with this digest if it is still kept; finding it counts as a use."""
    now = time.time() if now is None else now
    with _lock:
        _evict(now)
        if digest not in _lists:
            return None
        words = _lists[digest][0]
        _lists[digest] = (words, now)
        _lists.move_to_end(digest)
        return words


def clear() -> None:
    with _lock:
        _lists.clear()
