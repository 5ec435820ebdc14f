"""HTTP caching for GET views: an ETag per index generation and URL, 304s for browsers and
proxies that have it, and a small in-memory cache of finished responses.

Every answer depends only on the URL and the live generation (plus the editors' synonyms and
notices), so a response stays right until one of those changes, and its ETag is known before
any work is done.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SKIP_PREFIXES = ("/static/", "/healthz", "/admin")  # /admin: per person, never kept


class ResponseCache:
    def __init__(self, app: ASGIApp, version: Callable[[], str], max_entries: int = 512,
                 max_body: int = 256 * 1024, cache_seconds: int = 0) -> None:
        self.app = app
        self.version = version
        self.max_entries = max_entries
        self.max_body = max_body
        control = "public, no-cache"  # keep it, but ask us again (a 304 until a reindex)
        if cache_seconds:
            control = f"public, max-age=0, s-maxage={cache_seconds}"
        self.cache_control = control.encode()
        self.entries: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()

    def _etag(self, key: tuple) -> bytes:
        digest = hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()
        return f'"{digest}"'.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (scope["type"] != "http" or scope["method"] not in ("GET", "HEAD")
                or path.startswith(SKIP_PREFIXES)):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        try:
            version = self.version()
        except Exception:  # no index yet: let the app answer (503) uncached
            await self.app(scope, receive, send)
            return
        gzip = b"gzip" in headers.get(b"accept-encoding", b"")
        # The host too: pages hold their own full address (link previews, print).
        key = (version, headers.get(b"host", b""), path, scope.get("query_string", b""), gzip)
        etag = self._etag(key)
        if etag in headers.get(b"if-none-match", b""):
            await self._send(send, 304, [(b"etag", etag), (b"cache-control", self.cache_control)],
                             b"")
            return
        cached = self.entries.get(key)
        if cached is not None:
            self.entries.move_to_end(key)
            status, response_headers, body = cached
            await self._send(send, status, response_headers,
                             b"" if scope["method"] == "HEAD" else body)
            return
        await self._run_and_keep(scope, receive, send, key, etag)

    async def _run_and_keep(self, scope: Scope, receive: Receive, send: Send, key: tuple,
                            etag: bytes) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    extra = [(b"etag", etag), (b"cache-control", self.cache_control)]
                    message = {**message, "headers": [*message.get("headers", []), *extra]}
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and start and start["status"] == 200:
                    body = b"".join(chunks)
                    if len(body) <= self.max_body and scope["method"] == "GET":
                        self.entries[key] = (200, list(start["headers"]), body)
                        while len(self.entries) > self.max_entries:
                            self.entries.popitem(last=False)
            await send(message)

        await self.app(scope, receive, capture)

    @staticmethod
    async def _send(send: Send, status: int, headers: list, body: bytes) -> None:
        headers = [(k, v) for k, v in headers if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
