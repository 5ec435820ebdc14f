"""The guide's side of the report, from the live index: its pages with their review dates,
and whether the guide (or synonyms.txt) knows a word readers search for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from insights.report import GuideFacts
from insights.review import pages_from_stored
from search.context import SearchContext


def knows(context: SearchContext) -> Callable[[str], bool]:
    """A word the guide has (as written or by its stem, in any field searched), a word of
    synonyms.txt, or a stop word (never worth a synonym)."""
    planner = context.planner
    vocabulary = context.vocabulary

    def known(word: str) -> bool:
        if word in vocabulary:
            return True
        tokens = planner.tokens(word)
        return not tokens or any(planner.indexed(token) for token in tokens)

    return known


def facts_from_context(context: SearchContext) -> GuideFacts:
    pages = pages_from_stored(context.generation.searcher.all_stored_fields())
    return GuideFacts(pages=pages, knows=knows(context))


def facts_from_index(index_dir: Path, content_dir: Path) -> tuple[GuideFacts, Callable[[], None]]:
    """The facts from the live generation in `index_dir` (with the editors' synonyms), and
    a function that closes the index. Raises generations.NoIndex without one."""
    from search.guide import Guide

    guide = Guide(index_dir, content_dir)
    try:
        facts = facts_from_context(guide.context())
    except BaseException:
        guide.close()
        raise
    return facts, guide.close
