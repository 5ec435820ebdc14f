"""What Whoosh 2.7.4 stores for a term, written without its format objects: the posting
values of the Positions and Frequency formats, and the stemming filter's own cache.
indexer.analysis uses these only when the switch is on (its chains are off otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from pickle import dumps

from whoosh.analysis import StemFilter

try:
    from whoosh.system import pack_uint
except ImportError:  # another Whoosh: the switch is off and nothing here is used
    pack_uint = None


def positions_value(deltas: list[int]) -> bytes:
    """formats.Positions.encode of positions given as their deltas (first one absolute)."""
    return pack_uint(len(deltas)) + dumps(deltas, 2)


def frequency_value(count: int) -> bytes:
    """formats.Frequency.encode of a term's count in the field."""
    return pack_uint(count)


def cached_stemmer(stem: StemFilter) -> Callable[[str], str]:
    """The filter's stemming function behind its own cache (what its __call__ uses)."""
    return stem._stem
