"""The site's static files, each also at a name holding a hash of its content
(`style.css` -> `/static/style.3f2a1b9c0d.css`), worked out once at start.

Pages link the hashed names, which never change meaning, so browsers and proxies may keep
them for a year without asking again; a new version of a file has a new name. The plain
names keep working (bookmarks, old cached pages), with a short cache life."""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

STATIC_DIR = Path(__file__).resolve().parent / "static"
PREFIX = "/static/"
HASH_CHARS = 10
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"  # a plain name: kept, but asked again (a 304 if unchanged)


def hashed_name(name: str, data: bytes) -> str:
    """`style.css` with the hash of `data`: `style.<hash>.css`."""
    digest = hashlib.sha256(data).hexdigest()[:HASH_CHARS]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


class HashedStaticFiles:
    """An ASGI app for /static: StaticFiles, plus the hashed names with a year-long cache."""

    def __init__(self, directory: Path = STATIC_DIR) -> None:
        self.files = StaticFiles(directory=directory)
        self.hashed: dict[str, str] = {}  # "style.css" -> "style.<hash>.css"
        self.plain: dict[str, str] = {}  # and back
        for path in sorted(directory.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                name = hashed_name(path.name, path.read_bytes())
                self.hashed[path.name] = name
                self.plain[name] = path.name

    def url(self, name: str) -> str:
        """The address pages use for a static file (its hashed name when it exists)."""
        return PREFIX + self.hashed.get(name, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        root = scope.get("root_path", "")
        inner = path[len(root):] if root and path.startswith(root) else path
        plain = self.plain.get(inner.lstrip("/"))
        control = IMMUTABLE if plain else REVALIDATE
        if plain:
            # Serve the plain file: only the exact names worked out at start are mapped.
            scope = {**scope, "path": path[: len(path) - len(inner)] + "/" + plain}

        async def send_with_cache_control(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                MutableHeaders(scope=message)["cache-control"] = control
            await send(message)

        await self.files(scope, receive, send_with_cache_control)


ASSETS = HashedStaticFiles()
