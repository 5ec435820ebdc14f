"""What the app holds while it runs: settings, the live index, the editors' files."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

from starlette.requests import Request

from guide_site.recording import SiteInsights
from guide_site.settings import Settings
from indexer.safety_file import SAFETY_FILE, SafetyRules, parse_safety
from search.editors_files import ContentFile
from search.generation import LiveIndex, Snapshot
from search.results import SearchContext
from search.synonyms import Synonyms, parse_synonyms

SYNONYMS_FILE = "synonyms.txt"
CONTEXTS_KEPT = 3  # the live generation's, the one being made ready, one spare


@dataclass
class AppState:
    settings: Settings
    live: LiveIndex = field(init=False)
    synonyms: ContentFile[Synonyms] = field(init=False)
    notices: ContentFile[SafetyRules] = field(init=False)
    insights: SiteInsights = field(init=False)  # recording, limits (guide_site.recording)
    _contexts: dict[tuple, SearchContext] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        content = self.settings.content_dir
        self.live = LiveIndex(self.settings.index_dir, prepare=self._prepare)
        self.synonyms = ContentFile(content / SYNONYMS_FILE, parse_synonyms, Synonyms())
        self.notices = ContentFile(content / SAFETY_FILE, parse_safety, SafetyRules())
        self.insights = SiteInsights(self.settings)

    def snapshot(self) -> Snapshot:
        return self.live.current()

    def search_context(self) -> SearchContext:
        """One context per generation and editors' file versions (its vocabulary is cached)."""
        return self._context_for(self.snapshot())

    def _prepare(self, snapshot: Snapshot) -> None:
        """A newly published generation's facet sets and spelling vocabulary, made before it
        goes live. Not the terms' scores: computed ahead while requests are being served,
        they would hold the interpreter longer than the first requests take to make them."""
        self._context_for(snapshot).warm(0)

    def _context_for(self, snapshot: Snapshot) -> SearchContext:
        key = (snapshot.number, id(snapshot), self.synonyms.version, self.notices.version)
        with self._lock:
            context = self._contexts.get(key)
            if context is None:
                context = SearchContext(snapshot, self.synonyms.get(), self.notices.get())
                self._contexts[key] = context
                while len(self._contexts) > CONTEXTS_KEPT:  # the oldest first
                    del self._contexts[next(iter(self._contexts))]
            return context

    def today(self) -> date:
        """The day pages are judged by (a page past its next review says so)."""
        return date.today()

    def version(self) -> str:
        """Changes with every reindex or edit of synonyms and notices, and every day, since
        a page's due-for-review note depends on the date (for ETags)."""
        snapshot = self.snapshot()
        return (f"{snapshot.number}.{self.synonyms.version}.{self.notices.version}."
                f"{self.today().isoformat()}")


def app_state(request: Request) -> AppState:
    return request.app.state.guide
