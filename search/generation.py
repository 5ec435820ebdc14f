"""One published generation of the index, opened for searching: its searcher and every cache
made from it (facet sets, term scores, bitmasks, results' stored fields, vocabulary).

A `Generation` never changes once opened: the `Guide` (search/guide.py) swaps in a new one
when the editors publish, and closes an old one when no request holds it any more."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from whoosh.searching import Searcher

from indexer import generations, schema
from indexer.side_effects import default_label
from search.masks import MaskCache
from search.scores import TermScores, ids_mask, mask_array
from search.synonyms import words_of


def docnums_of(mask: int, size: int) -> list[int]:
    """The document numbers set in a bitmask of `size` documents, in order."""
    return np.flatnonzero(mask_array(mask, size)).tolist()


RESULTS_KEPT = 2048  # results' stored fields kept per generation (a few MB)
LIGHT_FIELDS = (schema.URL, schema.TITLE, schema.SECTION, schema.SECTION_TITLE,
                schema.DESCRIPTION, schema.DRUG, schema.PATH, schema.ORDER)


@dataclass
class Generation:
    """One published generation, opened once and shared by every request that sees it."""

    published: generations.Generation  # its folder and number
    searcher: Searcher
    manifest: dict

    @property
    def number(self) -> int:
        return self.published.number

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
    def effects_by_reach(self) -> list[tuple[str, int, list[str]]]:
        """(effect, drug pages listing it, its words), the most listed first: the order
        suggestions offer them in, made once rather than per keystroke."""
        counted = sorted(((effect, mask.bit_count()) for effect, mask
                          in self.effect_masks.items()), key=lambda e: -e[1])
        return [(effect, count, words_of(effect)) for effect, count in counted]

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
        pages = [self.page_at(docnum) for docnum in docnums_of(mask, self.term_scores.size)]
        pages.sort(key=lambda p: p[schema.TITLE].casefold())
        return pages

    def docnum_by_url(self, url: str) -> int | None:
        """The document number of the page at `url` (None when no page has it)."""
        return self.searcher.document_number(url=url)

    def page_by_url(self, url: str) -> dict | None:
        docnum = self.docnum_by_url(url)
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
