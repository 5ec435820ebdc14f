"""What a search needs: one generation of the index and one version of the editors' files
(synonyms, urgent notices), with what is made from both (spelling vocabulary, planner,
notice matcher, snippet analysis), made once and kept."""

from __future__ import annotations

import time
from functools import cached_property

from indexer import schema
from indexer.safety_file import SafetyRules
from search.generation import RESULTS_KEPT, Generation, docnums_of
from search.planner import Planner
from search.safety import NoticeMatcher
from search.snippets import TEXTS_KEPT, TextTokens
from search.spelling import Vocabulary
from search.synonyms import Synonyms, words_of


class SearchContext:
    """Everything a search needs from the live generation and the editors' files."""

    def __init__(self, generation: Generation, synonyms: Synonyms, notices: SafetyRules):
        self.generation = generation  # read-only: a context never outlives its generation
        self.synonyms = synonyms
        self.notices = notices

    @cached_property
    def notice_matcher(self) -> NoticeMatcher:
        return NoticeMatcher(self.notices, self.vocabulary.known)

    @cached_property
    def vocabulary(self) -> Vocabulary:
        generation = self.generation
        words = dict(generation.vocabulary)
        for effect, mask in generation.effect_masks.items():
            for word in effect.split():
                words[word] = max(words.get(word, 0), mask.bit_count())
        for word in self.synonyms.words:
            words[word] = words.get(word, 0) + 2  # editors' terms are worth proposing
        return Vocabulary(words)

    @cached_property
    def synonym_terms(self) -> list[tuple[str, list[str]]]:
        """The editors' terms with their words, shortest first: the order suggestions offer
        them in, made once rather than per keystroke."""
        return [(term, words_of(term)) for term in sorted(self.synonyms.by_term, key=len)]

    @cached_property
    def planner(self) -> Planner:
        return Planner(self.generation, self.synonyms, self.vocabulary)

    def warm(self, seconds: float) -> int:
        """Get what every search needs ready before the first one: the facet sets, the
        spelling vocabulary, the notice matcher, the most used terms' scores and, when the
        whole guide fits in the results' caches, every page's snippet texts (within
        `seconds`)."""
        deadline = time.monotonic() + seconds
        generation = self.generation
        _ = (generation.section_masks, generation.system_masks, generation.effect_masks,
             generation.all_mask, self.planner, self.notice_matcher)
        done = generation.term_scores.warm(self.planner.fields, seconds)
        if seconds > 0:  # no time at all: not even the list of pages to read
            self._warm_results(deadline)
        return done

    def _warm_results(self, deadline: float) -> None:
        """Each page's stored fields, section terms and snippet places, read once now
        rather than by the first searches that find the page (small guides only: on a big
        one, which pages come first cannot be known)."""
        generation = self.generation
        docnums = docnums_of(generation.all_mask, generation.term_scores.size)
        if len(docnums) > RESULTS_KEPT:
            return
        texts = 0
        for docnum in docnums:
            fields, sections, _ = generation.result_fields(docnum)
            texts += len(sections) + 1
            if texts > TEXTS_KEPT or time.monotonic() > deadline:
                return
            for _, heading, text in sections:
                self.text_tokens.terms(heading)
                self.text_tokens.terms(text)
            self.text_tokens.terms(fields.get(schema.DESCRIPTION, ""))

    @cached_property
    def text_tokens(self) -> TextTokens:
        planner = self.planner
        if planner.chain is not None:
            return TextTokens(planner.chain.spans)
        return TextTokens(lambda text: [(t.text, t.startchar, t.endchar) for t in
                                        planner.analyzer(text, chars=True, mode="query")])
