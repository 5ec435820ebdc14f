"""BestOf: a disjunction scored by its best-matching part.

Whoosh 2.7.4's DisjunctionMax takes the max of both sides' scores even when the two sides
stand on different documents, so every match gets the best score of any; this query only
compares sides that are on the current document (its matcher, which uses Whoosh's
internals, is in indexer.whoosh_fast).
"""

from __future__ import annotations

from indexer.whoosh_fast import BestOfDisjunction


class BestOf(BestOfDisjunction):
    """A group's forms or a text's readings: the best one counts, never their sum."""
