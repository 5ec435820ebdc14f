"""Every private Whoosh name the project uses, and where: the list the switch checks.

Nothing outside indexer/whoosh_fast uses these names (tests/test_whoosh_fast.py reads the
source to make sure). A new use of a Whoosh internal goes into this package and this list.
"""

from __future__ import annotations

# "module:Class" (or "module" alone) -> names looked up on it. The switch checks that each
# is there; a Whoosh without one of them gets plain Whoosh.
PRIVATE_NAMES: dict[str, tuple[str, ...]] = {
    # reading.leaf_postings: a posting list's blocks, read whole
    "whoosh.codec.whoosh3:W3LeafMatcher": ("_read_ids", "_read_weights", "_next_block"),
    # reading.spelling_candidates: every candidate within the distance, unsorted
    "whoosh.spelling:ListCorrector": ("_suggestions",),
    # disjunction.BestOfDisjunction: Whoosh's tree of two-sided matchers
    "whoosh.query:CompoundQuery": ("_matcher", "_tree_matcher"),
    "whoosh.matching:DisjunctionMaxMatcher": ("score",),
}

# Attributes an object only gets once made, so the switch cannot look them up beforehand;
# the equivalence tests prove them on each version of PROVEN_VERSIONS.
INSTANCE_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "whoosh.codec.whoosh3:W3LeafMatcher": ("_ids", "_weights", "_i"),
    "whoosh.scoring:BM25F": ("_field_B",),
}
