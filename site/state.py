"""What the app holds while it runs: its settings, the Guide (the live index and the editors'
files) and the engine thread that does every search."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from starlette.requests import Request

from guide_site.engine import Engine
from guide_site.recording import SiteInsights
from guide_site.settings import Settings
from search.context import SearchContext
from search.generation import Generation
from search.guide import Guide

T = TypeVar("T")
# The search context a request holds while its view's data is made (on the engine thread).
HELD: contextvars.ContextVar[SearchContext | None] = contextvars.ContextVar("held", default=None)


@dataclass
class AppState:
    settings: Settings
    guide: Guide = field(init=False)
    engine: Engine = field(init=False, default_factory=Engine)
    insights: SiteInsights = field(init=False)  # recording, limits (guide_site.recording)

    def __post_init__(self) -> None:
        self.guide = Guide(self.settings.index_dir, self.settings.content_dir)
        self.insights = SiteInsights(self.settings)

    def search_context(self) -> SearchContext:
        """The context the current request holds; the live one outside a request."""
        return HELD.get() or self.guide.context()

    def generation(self) -> Generation:
        return self.search_context().generation

    async def run(self, data: Callable[[Request], T], request: Request) -> T:
        """A view's data, made on the engine thread while the live generation is held (a
        reindex meanwhile never closes it under the request)."""

        def work() -> T:
            with self.guide.hold() as context:
                token = HELD.set(context)
                try:
                    return data(request)
                finally:
                    HELD.reset(token)

        return await self.engine.run(work)

    def today(self) -> date:
        """The day pages are judged by (a page past its next review says so)."""
        return date.today()

    def version(self) -> str:
        """Changes with every reindex or edit of synonyms and notices, and every day, since
        a page's due-for-review note depends on the date (for ETags). Cheap and safe on the
        event loop: a file stat or two, no search work."""
        return f"{self.guide.version()}.{self.today().isoformat()}"

    def close(self) -> None:
        self.engine.close()
        self.guide.close()


def app_state(request: Request) -> AppState:
    return request.app.state.guide
