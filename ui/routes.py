"""The server's one extra rule: a path deeper than a view redirects to the view, e.g. /breakdown/andrej -> /breakdown.

Streamlit answers every unknown path with its index.html, whose assets are linked relatively (./static/js/…):
one folder deep (/counts) they resolve to /static, but two deep they resolve under the wrong folder and the
browser gets a blank white page. The query string is kept, so /breakdown/x?word=emma opens /breakdown?word=emma.
"""

from starlette.responses import RedirectResponse

# Streamlit's own path segments (_stcore, media, component, static, app/static, auth): a path with one anywhere is
# never redirected, since the browser finds the server's base by probing /<view>/_stcore/health and then
# /_stcore/health.
STREAMLIT_PREFIXES = frozenset({"_stcore", "media", "component", "static", "app", "auth", "oauth2callback"})


def redirect_target(path: str, query: str = "") -> str | None:
    """Where a GET of `path` should go instead, or None to serve it as it is."""
    segments = path.strip("/").split("/")
    if len(segments) < 2 or not segments[0] or STREAMLIT_PREFIXES.intersection(segments):
        return None
    return f"/{segments[0]}" + (f"?{query}" if query else "")


class DeepLinks:
    """ASGI middleware: redirect (307) a page load one or more folders below a view to the view."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            root = scope.get("root_path", "")
            target = redirect_target(scope["path"][len(root) :], scope.get("query_string", b"").decode("latin-1"))
            if target is not None:
                await RedirectResponse(root + target, status_code=307)(scope, receive, send)
                return
        await self.app(scope, receive, send)
