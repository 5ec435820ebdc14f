"""The benchmark's query mix: the same queries on every run, drawn from the synthetic guide's
vocabulary, drug names, word pairs and side effects."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from synth import Sampler, all_effects, vocabulary

from indexer.sections import SECTIONS
from indexer.side_effects import normalize_effect

KINDS = ("single", "natural", "quoted", "section", "effect")
SHARES = {"single": 0.30, "natural": 0.25, "quoted": 0.15, "section": 0.15, "effect": 0.15}
REAL_WORD_SHARE = 0.7  # people mostly type the guide's real words
QUERY_ZIPF = 0.6  # flatter than the text's: both common and rare words get searched

NATURAL_TEMPLATES = (
    "what are the side effects of {drug}",
    "can {drug} cause {effect}",
    "how to {w1} {w2}",
    "{w1} {w2} and {w3}",
    "is it safe to {w1} with {w2}",
    "why do i get {effect}",
    "{w1} {w2} {w3} {w4}",
    "{effect} after {w1}",
)


@dataclass(frozen=True)
class BenchQuery:
    """One query as a person would send it: the text and at most one filter of each kind."""

    kind: str
    q: str
    section: str = ""
    effect: str = ""

    def query_string(self) -> str:
        pairs = [("q", self.q)]
        if self.section:
            pairs.append(("section", self.section))
        if self.effect:
            pairs.append(("effect", self.effect))
        return urlencode(pairs)

    def path(self) -> str:
        """The results page's address (HTML)."""
        return f"/search?{self.query_string()}"

    def as_dict(self) -> dict:
        return {"kind": self.kind, "q": self.q, "section": self.section, "effect": self.effect}


class QueryMaker:
    """Draws query words, drugs, effects and phrases with one seeded generator."""

    def __init__(self, meta: dict, seed: str) -> None:
        self.rng = random.Random(seed)
        vocab = vocabulary()
        real = [w for w in vocab.content_words if w in vocab.real]
        made = [w for w in vocab.content_words if w not in vocab.real]
        self.real = Sampler(real, _weights(len(real)))
        self.made = Sampler(made, _weights(len(made)))
        effects = all_effects()
        self.effects = Sampler([e for _, e, _ in effects], [w for _, _, w in effects])
        self.drugs = [d.lower() for d in meta["drugs"]] or ["methotrexate"]
        self.bigrams = meta["bigrams"] or ["joint pain"]

    def word(self) -> str:
        sampler = self.real if self.rng.random() < REAL_WORD_SHARE else self.made
        return sampler.pick(self.rng)

    def effect(self) -> str:
        return self.effects.pick(self.rng)

    def make(self, kind: str) -> BenchQuery:
        rng = self.rng
        if kind == "single":
            q = self.word() if rng.random() < 0.8 else rng.choice((self.effect(),
                                                                   rng.choice(self.drugs)))
            return BenchQuery(kind, q)
        if kind == "natural":
            template = rng.choice(NATURAL_TEMPLATES)
            q = template.format(drug=rng.choice(self.drugs), effect=self.effect(),
                                w1=self.word(), w2=self.word(), w3=self.word(), w4=self.word())
            return BenchQuery(kind, q)
        if kind == "quoted":
            choice = rng.random()
            if choice < 0.5:
                return BenchQuery(kind, f'"{rng.choice(self.bigrams)}"')
            if choice < 0.75:
                return BenchQuery(kind, f'"{rng.choice(self.bigrams)}" {self.word()}')
            multiword = [e for e in (self.effect() for _ in range(20)) if " " in e]
            return BenchQuery(kind, f'"{multiword[0] if multiword else "joint pain"}"')
        if kind == "section":
            q = self.word() if rng.random() < 0.6 else f"{self.word()} {self.word()}"
            return BenchQuery(kind, q, section=rng.choice(list(SECTIONS)))
        if kind == "effect":
            q = rng.choice((self.word(), rng.choice(self.drugs), "side effects"))
            return BenchQuery(kind, q, effect=normalize_effect(self.effect()))
        raise ValueError(f"unknown query kind {kind!r}")


def _weights(count: int) -> list[float]:
    return [1.0 / (rank**QUERY_ZIPF) for rank in range(1, count + 1)]


def query_mix(meta: dict, count: int = 200, seed: str = "bench-queries-v1") -> list[BenchQuery]:
    """`count` queries in the fixed shares of each kind, in a fixed shuffled order."""
    maker = QueryMaker(meta, seed)
    per_kind = {kind: round(count * share) for kind, share in SHARES.items()}
    per_kind["single"] += count - sum(per_kind.values())
    queries = [maker.make(kind) for kind, n in per_kind.items() for _ in range(n)]
    maker.rng.shuffle(queries)
    return queries


def distinct_queries(meta: dict, count: int, seed: str,
                     avoid: set[BenchQuery] | None = None) -> list[BenchQuery]:
    """Up to `count` queries none of which repeats another or is in `avoid` (for load
    tests whose every request should be a first one)."""
    maker = QueryMaker(meta, seed)
    seen = set(avoid or ())
    found: list[BenchQuery] = []
    kinds = [k for k, share in SHARES.items() for _ in range(round(share * 20))]
    for attempt in range(count * 5):
        query = maker.make(kinds[attempt % len(kinds)])
        if query not in seen:
            seen.add(query)
            found.append(query)
            if len(found) == count:
                break
    return found


def describe(queries: list[BenchQuery]) -> dict[str, int]:
    return dict(Counter(q.kind for q in queries))
