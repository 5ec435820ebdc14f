"""The site's static files, each also at a name holding a hash of its content
(`style.css` -> `/static/style.3f2a1b9c0d.css`), read, hashed and compressed once at start.

Pages link the hashed names, which never change meaning, so browsers and proxies may keep
them for a year without asking again; a new version of a file has a new name. The plain
names keep working (bookmarks, old cached pages), with a short cache life and a 304 when the
browser's copy is current.

The folder holds a handful of small files, so they are answered from memory: no file system
call and no thread hop per request, and gzip done once rather than per request (a phone's
first visit asks for the style sheet and the script with its first page).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

STATIC_DIR = Path(__file__).resolve().parent / "static"
PREFIX = "/static/"
HASH_CHARS = 10
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"  # a plain name: kept, but asked again (a 304 if unchanged)
GZIP_AT_LEAST = 800  # bytes; as the site's GZipMiddleware
TEXT_TYPES = ("text/", "application/javascript", "image/svg+xml", "application/json")


def hashed_name(name: str, data: bytes) -> str:
    """`style.css` with the hash of `data`: `style.<hash>.css`."""
    digest = hashlib.sha256(data).hexdigest()[:HASH_CHARS]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


@dataclass(frozen=True)
class Asset:
    """One static file as it is sent: its bytes, gzipped bytes (when smaller), type and ETag."""

    body: bytes
    gzipped: bytes | None
    media_type: str
    etag: str

    @classmethod
    def read(cls, path: Path) -> Asset:
        body = path.read_bytes()
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if media_type.startswith("text/") or media_type == "application/javascript":
            media_type += "; charset=utf-8"
        gzipped = None
        if len(body) >= GZIP_AT_LEAST and media_type.startswith(TEXT_TYPES):
            packed = gzip.compress(body, compresslevel=9, mtime=0)  # mtime 0: same bytes each start
            gzipped = packed if len(packed) < len(body) else None
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        return cls(body, gzipped, media_type, etag)


def _accepts_gzip(headers: Headers) -> bool:
    """The same test as the site's GZipMiddleware, so every response follows one rule."""
    return "gzip" in headers.get("accept-encoding", "")


class HashedStaticFiles:
    """An ASGI app for /static: each file at its plain name and at its hashed name (kept a
    year), answered from memory. Unknown names raise a 404 for the site's own error page."""

    def __init__(self, directory: Path = STATIC_DIR) -> None:
        self.hashed: dict[str, str] = {}  # "style.css" -> "style.<hash>.css"
        self.assets: dict[str, tuple[Asset, str]] = {}  # either name -> (file, cache-control)
        for path in sorted(directory.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                asset = Asset.read(path)
                name = hashed_name(path.name, asset.body)
                self.hashed[path.name] = name
                self.assets[path.name] = (asset, REVALIDATE)
                self.assets[name] = (asset, IMMUTABLE)

    def url(self, name: str) -> str:
        """The address pages use for a static file (its hashed name when it exists)."""
        return PREFIX + self.hashed.get(name, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            raise HTTPException(status_code=405, headers={"Allow": "GET, HEAD"})
        path, root = scope["path"], scope.get("root_path", "")
        inner = path[len(root):] if root and path.startswith(root) else path
        # Only the exact names read at start are answered: no path is ever joined or opened.
        found = self.assets.get(inner.removeprefix("/"))
        if found is None:
            raise HTTPException(status_code=404)
        asset, cache_control = found
        request_headers = Headers(scope=scope)
        headers = [(b"cache-control", cache_control.encode()), (b"etag", asset.etag.encode())]
        if asset.gzipped is not None:
            headers.append((b"vary", b"Accept-Encoding"))
        if asset.etag in request_headers.get("if-none-match", ""):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        body = asset.body
        if asset.gzipped is not None and _accepts_gzip(request_headers):
            body = asset.gzipped
            headers.append((b"content-encoding", b"gzip"))
        headers += [(b"content-type", asset.media_type.encode()),
                    (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body",
                    "body": b"" if scope["method"] == "HEAD" else body})


ASSETS = HashedStaticFiles()
