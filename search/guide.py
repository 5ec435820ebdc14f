"""The Guide: the live generation of one index folder, swapped when the editors publish a
new one, and the search contexts over it (the generation with one version of the editors'
files).

Threading rule (the site runs all search work on one engine thread per process; see
guide_site/engine.py):
- `current()`, `hold()`, `version()` and `close()` may be called from any thread; one lock
  guards the live generation, the retired ones and the count of requests holding each.
- A generation's caches (scores, bitmasks, stored fields, snippet analysis) are touched only
  by the thread that holds it for a request, or, before it goes live, by the thread that
  prepares it; with one engine thread they need no locks of their own.
- A generation published while the site runs is opened and made ready in a background thread;
  requests keep the previous one until then. An old generation is closed, and its caches
  dropped, as soon as no request holds it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer import generations
from indexer.safety_file import SAFETY_FILE, SafetyRules, parse_safety
from search.context import SearchContext
from search.editors_files import ContentFile
from search.generation import Generation
from search.synonyms import Synonyms, parse_synonyms

log = logging.getLogger("lupus_guide")
SYNONYMS_FILE = "synonyms.txt"
CONTEXTS_KEPT = 2  # per live generation: the editors' files' current version and one older


class EditorsFiles:
    """The editors' files read at search time: an edit needs no reindex."""

    def __init__(self, content_dir: Path) -> None:
        self.synonyms = ContentFile(content_dir / SYNONYMS_FILE, parse_synonyms, Synonyms())
        self.notices = ContentFile(content_dir / SAFETY_FILE, parse_safety, SafetyRules())

    def read(self) -> tuple[str, Synonyms, SafetyRules]:
        """Both files' version and values, each file looked at once: an edit landing
        meanwhile can never file old values under the new version."""
        synonyms_version, synonyms = self.synonyms.read()
        notices_version, notices = self.notices.read()
        return f"{synonyms_version}.{notices_version}", synonyms, notices

    @property
    def version(self) -> str:
        return self.read()[0]


def warm_facets_and_words(context: SearchContext) -> None:
    """A new generation's facet sets and spelling vocabulary. Not the terms' scores: computed
    ahead while requests are served, they would hold the interpreter longer than the first
    requests take to make them."""
    context.warm(0)


class Guide:
    def __init__(self, index_dir: Path, content_dir: Path,
                 prepare: Callable[[SearchContext], object] = warm_facets_and_words) -> None:
        self.index_dir = Path(index_dir)
        self.files = EditorsFiles(Path(content_dir))
        self.prepare = prepare  # what is made for a new generation before it goes live
        self._lock = threading.RLock()
        self._key: tuple[int, int] | None = None  # the pointer file as last seen
        self._live: Generation | None = None
        self._retired: list[Generation] = []  # replaced, closed once no request holds them
        self._holders: dict[int, int] = {}  # id(generation) -> requests holding it
        self._contexts: dict[tuple, SearchContext] = {}
        self._preparing: int | None = None  # the generation number being made ready
        self._ready: Generation | None = None  # made ready, to be swapped in
        self._closed = False

    # -- the live generation -----------------------------------------------------------------
    def current(self) -> Generation:
        """The live generation; raises generations.NoIndex before the first build."""
        with self._lock:
            self._swap_in_ready()
            key = self._pointer_key()
            if key is not None and key == self._key and self._live is not None:
                return self._live
            published = generations.live_generation(self.index_dir)
            if published is None:
                if self._live is not None:
                    return self._live
                raise generations.NoIndex(
                    f"no index at {self.index_dir}: run `lupus-guide build`")
            if self._live is None:
                self._live = self._open(published)  # nothing to serve meanwhile: wait
            elif published.number != self._live.number:
                self._prepare_in_background(published)
                if self._preparing is not None:
                    return self._live  # the pointer is read again until the new one is ready
            self._key = key
            return self._live

    @contextmanager
    def hold(self) -> Iterator[SearchContext]:
        """The live generation's search context, kept open until the block ends."""
        with self._lock:
            generation = self.current()
            self._holders[id(generation)] = self._holders.get(id(generation), 0) + 1
        try:
            yield self.context(generation)
        finally:
            with self._lock:
                self._holders[id(generation)] -= 1
                self._close_retired()

    def context(self, generation: Generation | None = None) -> SearchContext:
        """The search context of a generation (the live one by default) with the editors'
        files as they are now, made once per version of each."""
        generation = generation or self.current()
        version, synonyms, notices = self.files.read()
        key = (id(generation), version)
        with self._lock:
            context = self._contexts.get(key)
            if context is None:
                context = SearchContext(generation, synonyms, notices)
                self._contexts[key] = context
                mine = [k for k in self._contexts if k[0] == id(generation)]
                for old in mine[:-CONTEXTS_KEPT]:  # the oldest first
                    del self._contexts[old]
            return context

    def version(self) -> str:
        """Changes with every reindex and every edit of the editors' files (for ETags)."""
        return f"{self.current().number}.{self.files.version}"

    def wait_until_ready(self, timeout: float = 30.0) -> None:
        """Until no generation is being made ready (for tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        while self._preparing is not None and time.monotonic() < deadline:
            time.sleep(0.01)

    def retired(self) -> int:
        """Old generations still open because a request holds them (for tests)."""
        with self._lock:
            return len(self._retired)

    def close(self) -> None:
        with self._lock:
            self._closed = True  # a generation still being made ready closes itself
            ready, self._ready = self._ready, None
            for generation in (*self._retired, self._live, ready):
                if generation is not None:
                    generation.close()
            self._retired, self._live, self._key = [], None, None
            self._contexts.clear()

    # -- inside the lock -----------------------------------------------------------------------
    def _pointer_key(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.index_dir / generations.POINTER)
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns)

    def _open(self, published: generations.Generation) -> Generation:
        try:
            ix = generations.open_generation(published, mmap=False)
            return Generation(published, ix.searcher(), published.manifest())
        except Exception as error:
            if self._live is None:
                raise generations.NoIndex(f"the index at {published.path} cannot be "
                                          "opened: run `lupus-guide build`") from error
            raise

    def _prepare_in_background(self, published: generations.Generation) -> None:
        if self._preparing is not None:
            return
        self._preparing = published.number
        threading.Thread(target=self._make_ready, args=(published,),
                         name=f"prepare-gen-{published.number}", daemon=True).start()

    def _make_ready(self, published: generations.Generation) -> None:
        """On the preparing thread: open the generation and prepare it."""
        generation = None
        try:
            generation = self._open(published)
            self.prepare(self.context(generation))  # kept: the first searches find it ready
        except Exception as error:  # a damaged generation must not take the site down
            log.error("cannot open %s (%s); still serving the last good one",
                      published.path, error)
            if generation is not None:
                generation.close()
            generation = None
        with self._lock:
            self._preparing = None
            if generation is not None and self._closed:
                generation.close()
            elif generation is not None:
                self._ready = generation
            else:  # do not retry on every request; the next publish will
                self._key = self._pointer_key()

    def _swap_in_ready(self) -> None:
        ready, self._ready = self._ready, None
        if ready is None:
            return
        if self._live is not None and ready.number == self._live.number:
            ready.close()
            return
        if self._live is not None:
            self._retired.append(self._live)
        self._live = ready
        self._key = None  # read the pointer again: it may have moved on meanwhile
        self._close_retired()

    def _close_retired(self) -> None:
        keep = []
        for generation in self._retired:
            if self._holders.get(id(generation), 0) > 0:
                keep.append(generation)
                continue
            self._holders.pop(id(generation), None)
            for key in [k for k in self._contexts if k[0] == id(generation)]:
                del self._contexts[key]
            generation.close()
        self._retired = keep
