"""Spelling: the guide's own words for "did you mean", and the everyday words never corrected.

Corrections come only from words the guide (or the editors' synonyms) actually use, so a
misspelt medicine finds its page. Everyday words that the guide happens not to use ("dont",
"anymore", "ill") are left alone: "correcting" them to a guide word ("dent") changes what a
person said, and for someone typing "i dont want to be here anymore" that is the worst thing
a search box can do.
"""

from __future__ import annotations

import bisect
from functools import lru_cache

from whoosh.spelling import ListCorrector

from indexer.whoosh_fast import spelling_candidates

MIN_CORRECT = 4  # shorter words are left alone (too many near neighbours)

# Contractions as people type them without the apostrophe, texting forms, and common words of
# everyday English that a health guide may never print. Never corrected; also "known" to the
# safety notices, so they are not mistaken for misspelt urgent words.
EVERYDAY_WORDS = frozenset(
    """
    dont wont cant im ive id ill isnt arent wasnt werent didnt doesnt couldnt shouldnt
    wouldnt havent hasnt hadnt mustnt neednt mightnt youre youve youd youll theyre theyve
    theyd theyll thats whats wheres whos hows theres heres lets aint shes hes weve were wed
    well its ya yall gonna wanna gotta dunno kinda sorta lemme gimme cuz cos coz tho thru
    pls plz thx ty idk imo tbh btw omg lol rn ur u r y k ok okay yeah yep nope nah hey hi
    hello bye thanks thank sorry please anymore anyway anyways anyhow anywhere anyone
    anybody anything everyone everybody everything everywhere someone somebody something
    somewhere nobody nothing nowhere whatever whenever wherever whoever however maybe
    perhaps probably actually basically literally seriously honestly totally really truly
    pretty quite rather almost already also always never ever often sometimes usually
    today tonight tomorrow yesterday morning afternoon evening night week weekend month
    year ago later soon lately recently still yet again once twice since until while
    about above across after against along among around before behind below beneath
    beside between beyond down during except inside into near off onto outside over past
    through toward towards under underneath unlike upon within without
    mom mum dad mother father sister brother son daughter husband wife partner boyfriend
    girlfriend friend friends family kids kid baby boss teacher
    want wants wanted need needs needed feel feels feeling felt think thinks thought know
    knows knew tell tells told said say says make makes made take takes took go goes went
    gone come comes came get gets got getting give gives gave keep keeps kept let lets
    put puts seem seems seemed try tries tried trying wish wished hope hoped guess mean
    means meant leave left stay stayed stop stopped start started live lives lived living
    die dies died dying end ends ended ending kill kills killed killing hurt hurts hurting
    cry cried crying scared afraid worried alone lonely tired sad mad angry upset happy
    okay fine bad worse worst good better best awful terrible horrible
    here there where when what why how who whom whose which this that these those
    """.split()
)


COMMON_FROM = 300  # a word this frequent in everyday English (about 32,000 words) is left alone


@lru_cache(maxsize=1)
def everyday_english() -> frozenset[str]:
    """Common English words (pyspellchecker's frequency list) and the contractions and
    texting forms above: words a search never "corrects" to a word of the guide."""
    from spellchecker import SpellChecker  # read once, on first use (about 0.2 s)

    counts = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return frozenset(w for w, n in counts.items() if n >= COMMON_FROM) | EVERYDAY_WORDS


class Vocabulary:
    """The guide's own words plus the synonyms', for "did you mean" and completions."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.sorted = sorted(counts)
        self.corrector = ListCorrector(self.sorted)
        # The same misspellings come back ("plaquinel"); a long word costs milliseconds.
        self.correct = lru_cache(maxsize=4096)(self._correct)

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def known(self, word: str) -> bool:
        """A word of the guide, of the synonyms or of everyday English."""
        return word in self.counts or word in everyday_english()

    def completions(self, prefix: str, limit: int) -> list[str]:
        start = bisect.bisect_left(self.sorted, prefix)
        found = []
        for word in self.sorted[start:]:
            if not word.startswith(prefix):
                break
            found.append(word)
        found.sort(key=lambda w: (-self.counts[w], len(w), w))
        return found[:limit]

    def _correct(self, word: str) -> str | None:
        """The likeliest intended word: fewest edits, then most common in the guide."""
        if (len(word) < MIN_CORRECT or word in self.counts or not word.isalpha()
                or word.replace("'", "") in everyday_english()):
            return None
        maxdist = 1 if len(word) < 8 else 2
        candidates = [w for w in spelling_candidates(self.corrector, word, maxdist, 1)
                      if w != word]
        if not candidates:
            return None
        return min(candidates, key=lambda w: (edit_distance(word, w), -self.counts.get(w, 0), w))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent swaps counted as one edit."""
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]
