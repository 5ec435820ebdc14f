"""What the app holds while it runs: settings, the live index, the editors' files."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from guide_site.content_file import ContentFile
from guide_site.live_index import LiveIndex, Snapshot
from guide_site.safety import Notice, parse_notices
from guide_site.search import SearchContext
from guide_site.synonyms import Synonyms, parse_synonyms
from indexer.settings import Settings

SYNONYMS_FILE = "synonyms.txt"
SAFETY_FILE = "safety.toml"


@dataclass
class AppState:
    settings: Settings
    live: LiveIndex = field(init=False)
    synonyms: ContentFile[Synonyms] = field(init=False)
    notices: ContentFile[list[Notice]] = field(init=False)
    _context: tuple[tuple, SearchContext] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        content = self.settings.content_dir
        self.live = LiveIndex(self.settings.index_dir)
        self.synonyms = ContentFile(content / SYNONYMS_FILE, parse_synonyms, Synonyms())
        self.notices = ContentFile(content / SAFETY_FILE, parse_notices, [])

    def snapshot(self) -> Snapshot:
        return self.live.current()

    def search_context(self) -> SearchContext:
        """One context per generation and editors' file versions (its vocabulary is cached)."""
        snapshot = self.snapshot()
        key = (snapshot.number, id(snapshot), self.synonyms.version, self.notices.version)
        if self._context is None or self._context[0] != key:
            context = SearchContext(snapshot, self.synonyms.get(), self.notices.get())
            self._context = (key, context)
        return self._context[1]

    def version(self) -> str:
        """Changes with every reindex or edit of synonyms and notices (for ETags)."""
        snapshot = self.snapshot()
        return f"{snapshot.number}.{self.synonyms.version}.{self.notices.version}"


def app_state(request: Request) -> AppState:
    return request.app.state.guide
