"""The small POST forms the site takes (page feedback, results opened, the admin login):
only our own fields, each once and within its size, URL-encoded, from our own pages.

Cross-site requests are refused by origin rather than with a per-form token: the pages are
cached and shared by everyone (a token in them would be everyone's), and browsers say where
a POST comes from (`Sec-Fetch-Site`, and `Origin` on every POST). A client that is not a
browser sends neither header; it could post anything anyway and is held by the rate limits.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request

from guide_site.views.common import BadRequest

FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 2048


def same_origin(request: Request) -> bool:
    """Whether the browser says the request comes from one of our own pages."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    # Host only: behind a proxy that ends TLS, the scheme seen here may differ.
    return urlsplit(origin).netloc == request.headers.get("host", "")


def require_same_origin(request: Request) -> None:
    if not same_origin(request):
        raise HTTPException(403, "This form can only be sent from the Lupus Guide's own pages.")


async def read_form(request: Request, fields: dict[str, int]) -> dict[str, str]:
    """The posted fields: each a name of `fields`, at most once, at most that many
    characters. Anything else is a 400 (or 413/415) that says what is allowed."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != FORM_TYPE:
        raise HTTPException(415, f"Send the form as {FORM_TYPE}.")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise HTTPException(413, "That form is too large.")
    allowed = ", ".join(sorted(fields))
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                          strict_parsing=bool(body), max_num_fields=len(fields))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest(f"This form takes only these fields, each once: {allowed}.") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name not in fields or name in form:
            raise BadRequest(f"This form takes only these fields, each once: {allowed}.")
        if len(value) > fields[name]:
            raise BadRequest(f"{name} takes at most {fields[name]} characters.")
        form[name] = value
    return form
