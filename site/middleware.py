"""Security headers and request limits on every response (plain ASGI: no per-request cost
beyond the headers themselves)."""

from __future__ import annotations

import json

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
}
MAX_TARGET = 16 * 1024  # bytes of path and query string (long pasted queries are cut later)
MAX_BODY = 16 * 1024  # the site takes no uploads


class GuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        length = dict(scope.get("headers") or []).get(b"content-length", b"0")
        refusal = None
        if size > MAX_TARGET:
            refusal = (414, "That address is too long. Please use fewer words.")
        elif not length.isdigit() or int(length) > MAX_BODY:
            refusal = (413, "That request is too large.")
        if refusal:
            await self._refuse(send, scope["path"].startswith("/api"), *refusal)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _refuse(self, send: Send, as_json: bool, status: int, message: str) -> None:
        if as_json:
            body, kind = json.dumps({"error": message}).encode(), b"application/json"
        else:
            page = f"<!DOCTYPE html><html lang=en><title>Lupus Guide</title><p>{message}</p>"
            body, kind = page.encode(), b"text/html; charset=utf-8"
        headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
        headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
