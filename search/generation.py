"""The live index generation as the site sees it: one snapshot per generation, swapped
when the editors publish a new one, never closed under a request that still uses it."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
from whoosh.searching import Searcher

from indexer import generations, schema
from indexer.side_effects import default_label
from search.masks import MaskCache
from search.scores import TermScores, ids_mask

log = logging.getLogger("lupus_guide")


def docnums_of(mask: int) -> set[int]:
    """The document numbers set in a bitmask."""
    found = set()
    data = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    for index, byte in enumerate(data):
        while byte:
            low = byte & -byte
            found.add(index * 8 + low.bit_length() - 1)
            byte ^= low
    return found


RESULTS_KEPT = 2048  # results' stored fields kept per generation (a few MB)
LIGHT_FIELDS = (schema.URL, schema.TITLE, schema.SECTION, schema.SECTION_TITLE,
                schema.DESCRIPTION, schema.DRUG, schema.PATH, schema.ORDER)


@dataclass
class Snapshot:
    """One published generation, opened once and shared by every request that sees it."""

    generation: generations.Generation
    searcher: Searcher
    manifest: dict

    @property
    def number(self) -> int:
        return self.generation.number

    @property
    def schema(self):
        return self.searcher.schema

    def _term_masks(self, field: str) -> dict[str, int]:
        """Each term of a facet field with the pages that have it."""
        if field not in self.schema:
            return {}
        to_text = self.schema[field].from_bytes
        masks = {}
        for term in self.searcher.reader().field_terms(field):
            text = to_text(term) if isinstance(term, bytes) else term
            masks[text] = self.masks.term(field, text)
        return {k: v for k, v in masks.items() if v}

    @cached_property
    def section_masks(self) -> dict[str, int]:
        return {k: v for k, v in self._term_masks(schema.SECTION).items() if k}

    @cached_property
    def system_masks(self) -> dict[str, int]:
        return self._term_masks(schema.BODY_SYSTEM)

    @cached_property
    def effect_masks(self) -> dict[str, int]:
        return self._term_masks(schema.SIDE_EFFECT)

    @cached_property
    def pair_masks(self) -> dict[tuple[str, str], int]:
        """(body system, effect) -> the drug pages that list that effect under that system."""
        masks = {}
        for value, mask in self._term_masks(schema.SYSTEM_EFFECT).items():
            system, _, effect = value.partition(schema.PAIR_SEPARATOR)
            masks[(system, effect)] = mask
        return masks

    @cached_property
    def site_pages_mask(self) -> int:
        """The site's own pages (About Us, Legal Disclaimer...): in no section."""
        in_sections = 0
        for mask in self.section_masks.values():
            in_sections |= mask
        return self.all_mask & ~in_sections

    @cached_property
    def drug_mask(self) -> int:
        mask = 0
        for effect_mask in self.effect_masks.values():
            mask |= effect_mask
        return mask

    @cached_property
    def _effect_labels(self) -> dict[str, str]:
        return {}  # filled as effects are shown

    def effect_label(self, effect: str) -> str:
        """How an effect key is shown: as the first page listing it wrote it ("PML")."""
        label = self._effect_labels.get(effect)
        if label is None:
            label = default_label(effect)
            mask = self.effect_masks.get(effect, 0)
            if mask:
                first = (mask & -mask).bit_length() - 1
                fields = self.searcher.stored_fields(first)
                label = json.loads(fields.get(schema.EFFECT_LABELS_JSON) or "{}").get(
                    effect) or label
            self._effect_labels[effect] = label
        return label

    @cached_property
    def masks(self) -> MaskCache:
        return MaskCache(self.term_scores, self.all_mask)

    @cached_property
    def term_scores(self) -> TermScores:
        return TermScores(self.searcher)

    @cached_property
    def all_mask(self) -> int:
        """The pages not deleted."""
        live = np.fromiter(self.searcher.reader().all_doc_ids(), dtype=np.int64)
        return ids_mask(live, self.term_scores.size)

    @cached_property
    def result_fields(self):
        """A result's stored fields with its sections and side-effect pairs read from
        JSON, for the pages found most (a small guide's pages come back in every search)."""

        @lru_cache(maxsize=RESULTS_KEPT)
        def read(docnum: int) -> tuple[dict, list, list]:
            fields = self.searcher.stored_fields(docnum)
            return (fields, json.loads(fields.get(schema.SECTIONS_JSON) or "[]"),
                    json.loads(fields.get(schema.PAIRS_JSON) or "[]"))

        return read

    def page_at(self, docnum: int) -> dict:
        """A page's light stored fields (no body), and its side-effect pairs."""
        fields = self.searcher.stored_fields(docnum)
        page = {k: fields.get(k, "") for k in LIGHT_FIELDS}
        page["docnum"] = docnum
        page["pairs"] = json.loads(fields.get(schema.PAIRS_JSON) or "[]")
        return page

    def pages_in(self, mask: int) -> list[dict]:
        """The pages of a document bitmask, by title."""
        pages = [self.page_at(docnum) for docnum in docnums_of(mask)]
        pages.sort(key=lambda p: p[schema.TITLE].casefold())
        return pages

    def page_by_url(self, url: str) -> dict | None:
        docnum = self.searcher.document_number(url=url)
        return None if docnum is None else self.page_at(docnum)

    def all_pages(self) -> list[dict]:
        """Every live page, by title (for the site map; read per request, not kept)."""
        return self.pages_in(self.all_mask)

    @cached_property
    def vocabulary(self) -> dict[str, int]:
        """Unstemmed words of the guide with their document counts, for spelling."""
        words: dict[str, int] = {}
        for name in self.schema.names():
            if not name.startswith("spell_"):
                continue
            # Segment by segment: a multi-segment reader looks every term up in each one.
            in_field: dict[str, int] = {}
            for reader, _ in self.searcher.reader().leaf_readers():
                for term, info in reader.iter_field(name):
                    word = term.decode("utf-8") if isinstance(term, bytes) else term
                    if schema.PAIR_JOINER not in word:
                        in_field[word] = in_field.get(word, 0) + info.doc_frequency()
            for word, count in in_field.items():
                words[word] = max(words.get(word, 0), count)
        return words

    def close(self) -> None:
        self.searcher.close()


class LiveIndex:
    """Hands out the snapshot of the live generation, checking the pointer on each call.

    A generation published while the site runs is opened and made ready (`prepare`: the
    app's warm-up) in a background thread; requests keep the previous snapshot until then,
    so the first searches after a reindex are not the ones that pay for it."""

    RETIRE_AFTER = 60.0  # seconds an old snapshot stays open for requests still using it

    def __init__(self, index_dir: Path,
                 prepare: Callable[[Snapshot], object] | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.prepare = prepare
        self._key: tuple[int, int] | None = None
        self._snapshot: Snapshot | None = None
        self._retired: list[tuple[float, Snapshot]] = []
        self._lock = threading.Lock()
        self._preparing: int | None = None  # the generation being made ready
        self._ready: Snapshot | None = None  # made ready, to be swapped in
        self._closed = False

    def _pointer_key(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.index_dir / generations.POINTER)
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns)

    def current(self) -> Snapshot:
        """The live snapshot; raises generations.NoIndex before the first build."""
        self._swap_in_ready()
        key = self._pointer_key()
        if key is not None and key == self._key and self._snapshot is not None:
            return self._snapshot
        generation = generations.live_generation(self.index_dir)
        if generation is None:
            if self._snapshot is not None:
                return self._snapshot
            raise generations.NoIndex(f"no index at {self.index_dir}: run `lupus-guide build`")
        if self._snapshot is None:
            self._snapshot = self._open(generation)  # nothing to serve meanwhile: wait
        elif generation.number != self._snapshot.number:
            self._prepare_in_background(generation)
            if self._preparing is not None:
                return self._snapshot  # the pointer is read again until the new one is ready
        self._key = key
        self._close_retired()
        return self._snapshot

    def _open(self, generation: generations.Generation) -> Snapshot:
        try:
            ix = generations.open_generation(generation, mmap=False)
            return Snapshot(generation, ix.searcher(), generation.manifest())
        except Exception as error:
            if self._snapshot is None:
                raise generations.NoIndex(f"the index at {generation.path} cannot be "
                                          "opened: run `lupus-guide build`") from error
            raise

    def _prepare_in_background(self, generation: generations.Generation) -> None:
        with self._lock:
            if self._preparing is not None:
                return
            self._preparing = generation.number
        threading.Thread(target=self._make_ready, args=(generation,),
                         name=f"prepare-gen-{generation.number}", daemon=True).start()

    def _make_ready(self, generation: generations.Generation) -> None:
        snapshot = None
        try:
            snapshot = self._open(generation)
            if self.prepare is not None:
                self.prepare(snapshot)
        except Exception as error:  # a damaged generation must not take the site down
            log.error("cannot open %s (%s); still serving the last good one",
                      generation.path, error)
            if snapshot is not None:
                snapshot.close()
            snapshot = None
        with self._lock:
            self._preparing = None
            if snapshot is not None and self._closed:
                snapshot.close()
            elif snapshot is not None:
                self._ready = snapshot
            else:  # do not retry on every request; the next publish will
                self._key = self._pointer_key()

    def _swap_in_ready(self) -> None:
        """The snapshot the background thread made ready becomes the live one (here, on a
        request's thread, so the live snapshot only ever changes in one place)."""
        if self._ready is None:
            return
        with self._lock:
            ready, self._ready = self._ready, None
        if ready is None:
            return
        if self._snapshot is not None and ready.number == self._snapshot.number:
            ready.close()
            return
        if self._snapshot is not None:
            self._retired.append((time.monotonic(), self._snapshot))
        self._snapshot = ready
        self._key = None  # read the pointer again: it may have moved on meanwhile

    def wait_until_ready(self, timeout: float = 30.0) -> None:
        """Until no generation is being made ready (for tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        while self._preparing is not None and time.monotonic() < deadline:
            time.sleep(0.01)

    def _close_retired(self) -> None:
        now = time.monotonic()
        keep = []
        for retired_at, snapshot in self._retired:
            if now - retired_at > self.RETIRE_AFTER:
                snapshot.close()
            else:
                keep.append((retired_at, snapshot))
        self._retired = keep

    def close(self) -> None:
        with self._lock:
            self._closed = True  # a snapshot still being made ready closes itself
            ready, self._ready = self._ready, None
        for _, snapshot in self._retired:
            snapshot.close()
        for snapshot in (self._snapshot, ready):
            if snapshot is not None:
                snapshot.close()
        self._retired, self._snapshot, self._key = [], None, None
