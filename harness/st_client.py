"""A browser session without the browser: a client of Streamlit's own websocket protocol, for load and server tests.

It speaks to ``ws://HOST/_stcore/stream`` what the frontend speaks (streamlit 1.67: web/server/starlette/
starlette_websocket.py, runtime/app_session.py, and the frontend's App.sendRerunBackMsg): BackMsg protobufs up,
ForwardMsg protobufs down.

- Connect: GET /_stcore/health sets the XSRF cookie ``_streamlit_xsrf`` (and a proxy's own); the websocket is
  opened with the subprotocols ("streamlit", that token), the cookies and an Origin header, like the frontend's.
- Run the script: a ``rerun_script`` BackMsg carrying a ClientState: the URL's query string, the widget states
  (one WidgetState per widget, keyed by the element id ``$$ID-<hash>-<key>`` the server put in the widget's
  element), and the page: ``page_name`` (the URL path, "" for the default page) on the first run, afterwards
  ``page_script_hash`` (from the ``navigation`` ForwardMsg that st.navigation sends; a page switch sends the
  target page's hash from its app_pages). The run ends with a ``script_finished`` ForwardMsg: sending the rerun
  to that message is an interaction's latency. A button click is a ``trigger_value`` sent once.
- Upload to an st.file_uploader: a ``file_urls_request`` BackMsg, answered by a ``file_urls_response`` with an
  upload URL ``/_stcore/upload_file/<session id>/<file id>``; an HTTP PUT of a multipart form to it with the
  X-Xsrftoken header and cookie (the server checks they match); then a rerun whose widget state for the
  uploader is a FileUploaderState naming the file.
- A fragment with ``run_every``: the server sends ``auto_rerun`` (interval, fragment id) and the client sends
  a rerun of that fragment every interval until ``stop_auto_rerun``, as the frontend's setInterval does.

No message cache is advertised (ClientState.cached_message_hashes stays empty), so every element arrives in
full; a delta with an ``exception`` element, a compile error or a ``page_not_found`` is recorded in
``Session.exceptions``, and a full run whose output arrives with a gap (messages the server dropped, which make
the browser's frontend misplace, or fail on, what follows) in ``Session.holes``. Every frame received is
handed, as bytes, to the ``on_frame`` callback.
Loopback only: ``base_url`` must be http://127.0.0.1:PORT, and no proxy is ever used.
"""

import asyncio
import http.client
import re
import time
import urllib.parse
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Self

import pyarrow as pa
from google.protobuf.message import Message
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import FileURLs
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.typing import Origin, Subprotocol

XSRF_COOKIE = "_streamlit_xsrf"
ELEMENT_ID = re.compile(r"^\$\$ID-[0-9a-f]+-(?P<key>.+)$")
SIDEBAR = 1  # delta_path[0]: 0 is the main area, 1 the sidebar
MAX_FRAME = 64 * 2**20
CONTEXT = {"timezone": "UTC", "timezone_offset": 0, "locale": "en-US", "is_embedded": False, "color_scheme": "light"}


class ProtocolError(Exception):
    """The server answered something a browser would not accept, or not in time."""


@dataclass(frozen=True)
class Interaction:
    """One rerun this client asked for: what it was, seconds from sending it to its script_finished, and when
    it ended (time.perf_counter())."""

    kind: str
    seconds: float
    end: float


def http_request(
    base_url: str, method: str, path: str, body: bytes = b"", headers: dict | None = None, timeout: float = 30.0
) -> http.client.HTTPResponse:
    """A plain HTTP request to the loopback server (http.client: no proxy, no redirects); the response is read."""
    url = urllib.parse.urlsplit(base_url)
    if url.hostname != "127.0.0.1":
        raise ValueError(f"loopback only: {base_url}")
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        response.body = response.read()
        return response
    finally:
        conn.close()


def page_cookies(base_url: str) -> dict[str, str]:
    """The cookies a page load sets (here /_stcore/health): the XSRF token and, behind `bigram-lab serve
    --replicas`, the proxy's, which keeps this client's websocket and uploads on one replica."""
    response = http_request(base_url, "GET", "/_stcore/health")
    cookies = dict(
        value.split(";", 1)[0].split("=", 1)
        for header, value in response.getheaders()
        if header.lower() == "set-cookie"
    )
    if XSRF_COOKIE not in cookies:
        raise ProtocolError("the server set no XSRF cookie: is server.enableXsrfProtection off?")
    return cookies


def multipart(field: str, filename: str, data: bytes, content_type: str = "text/plain") -> tuple[bytes, str]:
    """A multipart/form-data body with one file, and its Content-Type header."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def exception_text(msg: ForwardMsg) -> str | None:
    """What went wrong, if `msg` reports an error: an exception element, a compile error, an unknown page."""
    kind = msg.WhichOneof("type")
    if (
        kind == "delta"
        and msg.delta.WhichOneof("type") == "new_element"
        and msg.delta.new_element.WhichOneof("type") == "exception"
    ):
        e = msg.delta.new_element.exception
        return f"{e.type}: {e.message}" + ("\n" + "\n".join(e.stack_trace) if e.stack_trace else "")
    if kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
        e = msg.session_event.script_compilation_exception
        return f"{e.type}: {e.message}"
    if kind == "page_not_found":
        return f"page not found: {msg.page_not_found.page_name!r}"
    return None


def message_strings(msg: Message) -> Iterator[str]:
    """Every string a protobuf message carries: its string fields, and the cells, column names and pandas
    metadata of the Arrow tables (st.dataframe's data) in its bytes fields; other bytes are skipped."""
    for fd, value in msg.ListFields():
        for v in value if fd.is_repeated else [value]:
            if fd.type == fd.TYPE_MESSAGE:
                yield from message_strings(v)
            elif fd.type == fd.TYPE_STRING:
                yield v
            elif fd.type == fd.TYPE_BYTES and v.startswith(b"\xff\xff\xff\xff"):  # an Arrow IPC stream
                table = pa.ipc.open_stream(v).read_all()
                yield from (m.decode(errors="replace") for m in (table.schema.metadata or {}).values())
                yield from table.column_names
                for column in table.columns:
                    yield from (x for x in column.to_pylist() if isinstance(x, str))


def widget_id(element: Element) -> str:
    """The element id of a widget, "" for an element that is not one."""
    kind = element.WhichOneof("type")
    return getattr(getattr(element, kind), "id", "") if kind else ""


def widget_key(element_id: str) -> str | None:
    """The user key of a widget from its element id, None for a widget without a key."""
    match = ELEMENT_ID.match(element_id)
    return match["key"] if match and match["key"] != "None" else None


class Session:
    """One session of the app over its websocket, driven like a browser tab; use `async with`.

    `elements` is the page as the last full run drew it (delta path -> Element); `widgets` maps a widget's user
    key to its delta path. `interactions` lists every rerun this client asked for, with its latency.
    """

    def __init__(
        self, base_url: str, path: str = "/", *, on_frame: Callable[[bytes], None] | None = None, timeout: float = 60.0
    ):
        split = urllib.parse.urlsplit(base_url + path)
        self.base_url, self.timeout, self.on_frame = base_url, timeout, on_frame
        self.page_name, self.query = split.path.strip("/"), split.query
        self.session_id = ""
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.elements: dict[tuple[int, ...], Element] = {}
        self.widgets: dict[str, tuple[int, ...]] = {}
        self.exceptions: list[str] = []
        self.holes: list[str] = []  # full runs whose output reached this client with a gap
        self.interactions: list[Interaction] = []
        self.bytes_received = 0
        self.auto_reruns = 0  # fragment reruns sent on the server's timer
        self._states: dict[str, WidgetState] = {}  # the values this client gave widgets, by element id
        self._xsrf = ""
        self.cookies: dict[str, str] = {}  # what the first page load set; all are sent back
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._timers: dict[str, asyncio.Task] = {}  # fragment id -> its auto-rerun task
        self._file_urls: dict[str, asyncio.Future] = {}
        self._finished = asyncio.Event()  # set by a full run's script_finished after `_started`
        self._started = False  # a full run has started since the last rerun was sent
        self._running = False  # a run (full or fragment) is in progress
        self._full_run_paths: set[tuple[int, ...]] | None = None  # delta paths of the full run in progress
        self._recent: deque[str] = deque(maxlen=40)  # the last messages, both ways, for an error's context
        self._closed = False

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # --- connection ------------------------------------------------------------------------------------------

    async def open(self) -> float:
        """Connect and run the script for the URL's page, as a page load does; returns the first run's latency."""
        self.cookies = await asyncio.to_thread(page_cookies, self.base_url)
        self._xsrf = self.cookies[XSRF_COOKIE]
        ws_url = "ws" + self.base_url.removeprefix("http") + "/_stcore/stream"
        self._ws = await connect(
            ws_url,
            origin=Origin(self.base_url),
            subprotocols=[Subprotocol("streamlit"), Subprotocol(self._xsrf)],
            additional_headers={"Cookie": self._cookie_header()},
            proxy=None,
            max_size=MAX_FRAME,
            open_timeout=self.timeout,
        )
        self._reader = asyncio.create_task(self._read())
        return await self._run("load")

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    async def close(self) -> None:
        """Stop the auto-rerun timers and close the websocket: the server then ends (or keeps) the session."""
        self._closed = True
        self._stop_timers()
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    @property
    def url(self) -> str:
        return f"{self.base_url}/{self.page_name}" + (f"?{self.query}" if self.query else "")

    # --- reruns ----------------------------------------------------------------------------------------------

    async def click(self, key: str, kind: str = "click") -> float:
        """Click the button with user key `key`; returns the rerun's latency."""
        state = WidgetState(id=widget_id(self._widget(key, "button")), trigger_value=True)
        return await self._run(kind, [state])

    async def set(self, key: str, value, kind: str = "input") -> float:
        """Give the widget with user key `key` a new value; returns the latency.

        Text inputs and areas, number inputs, checkboxes, and radios and selectboxes (by the option's label)."""
        element = self._widget(key)
        element_type = element.WhichOneof("type")
        widget = getattr(element, element_type)
        state = WidgetState(id=widget.id)
        if element_type in ("text_input", "text_area", "radio", "selectbox"):
            state.string_value = str(value)
        elif element_type == "number_input":
            if widget.data_type == widget.INT:
                state.int_value = int(value)
            else:
                state.double_value = float(value)
        elif element_type == "checkbox":
            state.bool_value = bool(value)
        else:
            raise ValueError(f"{key} is a {element_type}, which this client cannot set")
        self._states[state.id] = state
        return await self._run(kind)

    async def navigate(self, url_path: str, kind: str = "navigate") -> float:
        """Switch page inside the session, as a click in the sidebar's navigation does; returns the latency."""
        if url_path not in self.pages:
            raise ProtocolError(f"no page {url_path!r}; the app has {sorted(self.pages)}")
        self.query = ""  # the query parameters bound to the old page's widgets go with it
        self._stop_timers()
        return await self._run(kind, page_hash=self.pages[url_path])

    async def upload(self, key: str, filename: str, data: bytes, kind: str = "upload") -> float:
        """Upload `data` as `filename` to the file_uploader with user key `key`; returns the latency of its rerun."""
        uploader_id = widget_id(self._widget(key, "file_uploader"))
        request_id = uuid.uuid4().hex
        answer = self._file_urls[request_id] = asyncio.get_running_loop().create_future()
        message = BackMsg()
        message.file_urls_request.request_id = request_id
        message.file_urls_request.session_id = self.session_id
        message.file_urls_request.file_names.append(filename)
        await self._ws.send(message.SerializeToString())
        urls: FileURLs = (await asyncio.wait_for(answer, self.timeout)).file_urls[0]
        body, content_type = multipart("file", filename, data)
        response = await asyncio.to_thread(
            http_request,
            self.base_url,
            "PUT",
            urls.upload_url,
            body,
            {
                "Content-Type": content_type,
                "X-Xsrftoken": self._xsrf,
                "Cookie": self._cookie_header(),
                "Origin": self.base_url,
            },
            self.timeout,
        )
        if response.status != 204:
            raise ProtocolError(f"upload of {filename} answered {response.status}: {response.body[:200]!r}")
        state = WidgetState(id=uploader_id)
        info = state.file_uploader_state_value.uploaded_file_info.add()
        info.file_id, info.name, info.size = urls.file_id, filename, len(data)
        info.file_urls.CopyFrom(urls)
        self._states[uploader_id] = state
        return await self._run(kind)

    async def settle(self, timeout: float | None = None) -> float:
        """Wait until nothing runs and no fragment reruns on a timer (a live training run has ended); seconds."""
        start = time.perf_counter()
        while self._timers or self._running:
            if self._reader.done():
                raise ProtocolError(f"the connection closed: {self._reader.exception()!r}")
            if time.perf_counter() - start > (timeout or self.timeout):
                raise ProtocolError(
                    f"still running after {timeout or self.timeout:.0f} s; last messages: {list(self._recent)}"
                )
            await asyncio.sleep(0.02)
        return time.perf_counter() - start

    async def _run(self, kind: str, extra: list[WidgetState] = (), page_hash: str | None = None) -> float:
        """Send a full rerun and wait for its script_finished; returns and records the latency."""
        start = time.perf_counter()
        self._finished.clear()
        self._started = False
        await self._send_rerun(extra, page_hash=page_hash, kind=kind)
        await self._wait_finished(start + self.timeout, kind)
        end = time.perf_counter()
        self.interactions.append(Interaction(kind, end - start, end))
        return end - start

    async def _wait_finished(self, deadline: float, kind: str) -> None:
        while not self._finished.is_set():
            if self._reader.done():
                raise ProtocolError(f"the connection closed during a run: {self._reader.exception()!r}")
            try:
                await asyncio.wait_for(self._finished.wait(), max(0.0, min(1.0, deadline - time.perf_counter())))
            except TimeoutError:
                if time.perf_counter() > deadline:
                    raise ProtocolError(
                        f"{kind}: no script_finished within {self.timeout:.0f} s; last messages: {list(self._recent)}"
                    ) from None

    async def _send_rerun(
        self, extra: list[WidgetState] = (), *, page_hash: str | None = None, fragment_id: str = "", kind: str = ""
    ) -> None:
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        if page_hash is not None:
            state.page_script_hash = page_hash
        elif self.page_hash:
            state.page_script_hash = self.page_hash
        else:
            state.page_name = self.page_name
        state.fragment_id = fragment_id
        state.is_auto_rerun = bool(fragment_id)
        # The values of the widgets on the page; a page switch keeps only the sidebar's, like the frontend.
        active = {
            widget_id(self.elements[path]) for path in self.widgets.values() if page_hash is None or path[0] == SIDEBAR
        }
        state.widget_states.widgets.extend(s for i, s in self._states.items() if i in active)
        state.widget_states.widgets.extend(extra)
        for key, value in CONTEXT.items():
            setattr(state.context_info, key, value)
        state.context_info.url = self.url
        self._recent.append(f"> rerun {kind or fragment_id[:6]}")
        await self._ws.send(message.SerializeToString())

    def _widget(self, key: str, kind: str | None = None) -> Element:
        element = self.elements.get(self.widgets.get(key, ()))
        if element is None or (kind and element.WhichOneof("type") != kind):
            raise ProtocolError(f"no {kind or 'widget'} with key {key!r} on the page; keys: {sorted(self.widgets)}")
        return element

    # --- what the server sends -------------------------------------------------------------------------------

    async def _read(self) -> None:
        async for frame in self._ws:
            self.bytes_received += len(frame)
            if self.on_frame is not None:
                self.on_frame(frame)
            self._handle(ForwardMsg.FromString(frame))

    def _handle(self, msg: ForwardMsg) -> None:
        if (error := exception_text(msg)) is not None:
            self.exceptions.append(error)
        kind = msg.WhichOneof("type")
        if kind in ("new_session", "script_finished", "auto_rerun", "stop_auto_rerun"):
            status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished) if kind == "script_finished" else ""
            self._recent.append(f"< {kind} {status} {[f[:6] for f in msg.metadata.run.fragment_ids]}")
        if kind == "new_session":
            if msg.new_session.initialize.session_id:
                self.session_id = msg.new_session.initialize.session_id
            self._running = True
            if not msg.metadata.run.fragment_ids:  # a full run draws the whole page again, without timers
                self.elements, self.widgets = {}, {}
                self._stop_timers()
                self._started = True
                self._full_run_paths = set()
        elif kind == "delta":
            path = tuple(msg.metadata.delta_path)
            if self._full_run_paths is not None:
                self._full_run_paths.add(path)
            if msg.delta.WhichOneof("type") == "new_element":
                self._element(path, msg.delta.new_element)
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY and self._full_run_paths is not None:
                self._check_contiguous(self._full_run_paths)
            self._full_run_paths = None
            self._running = msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN  # another run follows
            if (
                msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY and self._started
            ) or msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self._finished.set()
        elif kind == "navigation":  # st.navigation: the pages, and the one this run shows
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "file_urls_response":
            answer = self._file_urls.pop(msg.file_urls_response.response_id, None)
            if answer is not None and not answer.done():
                answer.set_result(msg.file_urls_response)
        elif kind == "auto_rerun":
            self._auto_rerun(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                timer = self._timers.pop(fragment_id, None)
                if timer is not None:
                    timer.cancel()
        elif kind == "ref_hash":
            raise ProtocolError("the server referred to a cached message, but this client caches none")

    def _check_contiguous(self, paths: Iterable[tuple[int, ...]]) -> None:
        """A full run fills every container's slots 0, 1, 2, … in order; a gap means messages were lost.

        The frontend drops the nodes a full run did not send and closes the gap (its ClearStaleNodeVisitor), so
        every later delta addressed past the gap lands on the wrong node: on an element, the frontend throws
        "'setIn' cannot be called on an ElementNode" and the app is gone from the tab."""
        children: dict[tuple[int, ...], set[int]] = {}
        for path in paths:
            children.setdefault(path[:-1], set()).add(path[-1])
        for parent, slots in sorted(children.items()):
            if len(parent) and (missing := sorted(set(range(max(slots) + 1)) - slots)):
                self.holes.append(f"a full run sent nothing for {[list(parent + (i,)) for i in missing]}")

    def _element(self, path: tuple[int, ...], element: Element) -> None:
        self.elements[path] = element
        key = widget_key(widget_id(element))
        if key is not None:
            self.widgets[key] = path

    def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        if fragment_id in self._timers or self._closed:
            return

        async def tick() -> None:
            while True:
                await asyncio.sleep(interval)
                await self._send_rerun(fragment_id=fragment_id)
                self.auto_reruns += 1

        self._timers[fragment_id] = asyncio.create_task(tick())

    def _stop_timers(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    # --- reading the page ------------------------------------------------------------------------------------

    def texts(self, area: int | None = None) -> list[str]:
        """The page's markdown, headings, alerts and captions, in delta order; `area` 1 for the sidebar only."""
        out = []
        for path, element in sorted(self.elements.items()):
            if area is not None and path[0] != area:
                continue
            kind = element.WhichOneof("type")
            if kind in ("markdown", "heading", "alert", "text", "code"):
                out.append(getattr(element, kind).body if kind != "text" else element.text.body)
        return out

    def metric(self, label: str) -> str | None:
        """The value shown by the metric labelled `label`, None if there is none on the page."""
        for element in self.elements.values():
            if element.WhichOneof("type") == "metric" and element.metric.label == label:
                return element.metric.body
        return None

    def alerts(self, fmt: int) -> list[str]:
        """The bodies of st.error (fmt 1) / st.warning (2) / st.info (3) / st.success (4) alerts on the page."""
        return [
            e.alert.body for e in self.elements.values() if e.WhichOneof("type") == "alert" and e.alert.format == fmt
        ]
