"""A word list from an http(s) address on an allow-list: redirects followed only within the list, one deadline for
the whole download, and reads bounded by the word-list cap."""

import http.client
import time
import urllib.error
import urllib.request

from .data import WordList, parse_bytes, size_text
from .errors import BigramError
from .limits import WORD_LIST_BYTES

MAKEMORE_URL = "https://raw.githubusercontent.com/karpathy/makemore/master/names.txt"
ALLOWED_URLS = (MAKEMORE_URL,)
URL_TIMEOUT = 10.0  # seconds for the whole download, not only for each read
CHUNK = 64 * 1024


def _is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))


class _AllowListRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an address that is itself on the allow-list (urllib follows any)."""

    def __init__(self, allowed: tuple[str, ...]):
        self.allowed = allowed

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if newurl not in self.allowed or not _is_http(newurl):
            fp.close()
            raise BigramError(
                f"{req.full_url} redirects to {newurl}, which is not on the list of allowed addresses, "
                "so it was not followed."
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_url(
    url: str, allowed: tuple[str, ...] = ALLOWED_URLS, timeout: float = URL_TIMEOUT, max_bytes: int = WORD_LIST_BYTES
) -> WordList:
    """Download and validate the word list at `url`, which must be an http(s) address on `allowed`.

    At most `timeout` seconds for the whole download (a server that sends a byte now and then would keep
    a per-read timeout waiting forever), and at most max_bytes + 1 bytes read.
    """
    if not _is_http(url):
        raise BigramError(f"Only http:// and https:// addresses can be loaded; got {url!r}.")
    if url not in allowed:
        raise BigramError(f"{url} is not on the list of allowed addresses, so it was not fetched.")
    too_slow = BigramError(f"{url} did not send its word list within {timeout:g} seconds, so it was not loaded.")
    too_big = BigramError(f"{url} is over the {size_text(max_bytes)} limit for a word list, so it was not loaded.")
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(_AllowListRedirects(allowed))
    try:
        with opener.open(url, timeout=timeout) as response:
            if (response.length or 0) > max_bytes:  # the parsed Content-Length: refuse before reading
                raise too_big
            promised = response.length  # None without a Content-Length (or when chunked)
            chunks, received = [], 0
            while received <= max_bytes:
                if time.monotonic() > deadline:
                    raise too_slow
                chunk = response.read1(min(CHUNK, max_bytes + 1 - received))  # what has arrived, at most one read
                if not chunk:
                    break
                chunks.append(chunk)
                received += len(chunk)
            if promised is not None and received < promised:  # read1() returns b"" when the connection drops
                raise BigramError(
                    f"{url} sent {received:,} of the {promised:,} bytes it announced: the download was cut "
                    "short, so it was not loaded. Try again."
                )
    except BigramError:
        raise
    except http.client.IncompleteRead as e:
        raise BigramError(
            f"{url} stopped after {len(e.partial):,} bytes, before the end of its word list: the download was "
            "cut short, so it was not loaded. Try again."
        ) from None
    except urllib.error.HTTPError as e:
        raise BigramError(f"{url} answered {e.code} {e.reason}.") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
        reason = getattr(e, "reason", e)
        if isinstance(reason, TimeoutError):
            raise too_slow from None
        raise BigramError(f"Could not fetch {url}: {reason}.") from None
    if received > max_bytes:
        raise too_big
    return parse_bytes(b"".join(chunks), name=url.rsplit("/", 1)[-1] or url, max_bytes=max_bytes)
