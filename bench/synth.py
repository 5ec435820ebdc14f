"""Deterministic synthetic guides in the real page format, for the benchmark.

    python bench/synth.py --size 10000        # generate (or reuse) and print the folder
    python bench/synth.py --refresh-words     # re-read the real words from content/

A guide of N pages is cached in /tmp/lupus-guide-bench/synth-v<version>-<inputs>-<N>/ and
reused while the generator version and its inputs (bench/words.txt and the real guide's
synonyms.txt and safety.toml, copied in) are unchanged. Page i is the same in every size: each
page has its own seeded random generator, so the 1,000-page guide is the first 1,000 pages of
the 10,000-page one.

The vocabulary mixes the real guide's words (bench/words.txt, frozen so that an editor's change
to content/ does not move the numbers) with generated words, sampled with Zipf weights.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from bisect import bisect
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate, pairwise
from pathlib import Path

from indexer.schema import STOP_WORDS
from indexer.sections import SECTIONS
from indexer.side_effects import BODY_SYSTEMS

GENERATOR_VERSION = "1"
SEED = "lupus-guide-bench"
BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORDS_FILE = BENCH_DIR / "words.txt"
EDITOR_FILES = ("synonyms.txt", "safety.toml")  # copied from the real guide into each one
CACHE_ROOT = Path(tempfile.gettempdir()) / "lupus-guide-bench"
DRUG_SECTIONS = ("treating-lupus", "other-drugs")  # 2 of 6 sections: about a third of pages
GENERATED_WORDS = 25_000
ZIPF_EXPONENT = 1.0
TOP_REAL_WORDS = 100  # the commonest real words (mostly function words) keep the top ranks
META_FILE = "bench-meta.json"

# About 150 effects by body system, commonest first within each system.
EFFECTS: dict[str, tuple[str, ...]] = {
    "Dermatologic": (
        "rash", "itching", "hair loss", "hives", "sun sensitivity", "acne", "dry skin",
        "hair thinning", "skin darkening", "injection site reaction", "skin thinning",
        "stretch marks", "nail changes", "flushing", "blistering",
    ),
    "Gastrointestinal": (
        "nausea", "diarrhea", "vomiting", "abdominal pain", "mouth sores", "loss of appetite",
        "heartburn", "constipation", "indigestion", "bloating", "stomach ulcer", "gas",
        "taste changes", "dry mouth", "weight loss", "gum swelling",
    ),
    "Musculoskeletal": (
        "joint pain", "muscle pain", "back pain", "muscle cramps", "muscle weakness",
        "bone thinning", "osteonecrosis", "tendon pain", "leg cramps", "jaw pain",
    ),
    "Neurologic": (
        "headache", "dizziness", "tremor", "numbness", "tingling", "drowsiness",
        "trouble sleeping", "confusion", "memory problems", "ringing in the ears", "seizure",
        "blurred thinking",
    ),
    "Cardiovascular": (
        "high blood pressure", "swelling of the legs", "fast heartbeat", "chest pain",
        "low blood pressure", "palpitations", "fluid retention", "irregular heartbeat",
        "blood clot",
    ),
    "Respiratory": (
        "cough", "shortness of breath", "sore throat", "runny nose", "sinus infection",
        "lung inflammation", "wheezing", "chest tightness", "nosebleed",
    ),
    "Eyes": (
        "blurred vision", "dry eyes", "cataracts", "light sensitivity", "eye pain", "red eyes",
        "glaucoma", "retinal damage",
    ),
    "Blood": (
        "low white blood cell count", "anemia", "low platelet count", "easy bleeding",
        "easy bruising", "low red blood cell count", "neutropenia", "bleeding gums",
    ),
    "Kidney and Urinary": (
        "frequent urination", "kidney damage", "bladder irritation", "blood in urine",
        "painful urination", "urinary tract infection", "kidney stones", "protein in urine",
        "reduced kidney function",
    ),
    "Liver": (
        "raised liver enzymes", "liver damage", "liver inflammation", "jaundice", "dark urine",
    ),
    "Mood": (
        "mood swings", "anxiety", "irritability", "depression", "restlessness", "nightmares",
        "trouble concentrating", "euphoria",
    ),
    "Infections": (
        "serious infection", "cold sores", "herpes zoster", "yeast infection", "pneumonia",
        "flu-like symptoms", "fungal infection", "upper respiratory infection",
        "tuberculosis reactivation",
    ),
    "Hormonal and Metabolic": (
        "weight gain", "high blood sugar", "increased appetite", "high cholesterol",
        "irregular periods", "low potassium", "high potassium", "early menopause",
        "thyroid problems", "infertility", "night sweats",
    ),
    "Other": (
        "fatigue", "fever", "tiredness", "chills", "infusion reaction", "allergic reaction",
        "hot flashes", "general weakness", "increased sweating",
        "swelling of the face and lips", "sore injection site",
    ),
}
assert set(EFFECTS) == set(BODY_SYSTEMS), "one effect list per body system"

DRUG_SUFFIXES = ("mab", "limumab", "tinib", "prine", "limus", "olone", "quine", "cept",
                 "parin", "sartan", "pril", "statin", "phenolate", "sporin", "fenac")
DRUG_HEADINGS = ("What It Is Used For", "How You Take It", "How Long Until It Works",
                 "Blood Tests and Safety", "Pregnancy and Breastfeeding", "Before You Start")
SIDE_EFFECT_LEADS = (
    "Many people have only mild side effects. Side effects can include:",
    "Side effects are often mild and may ease with time. Those that can happen include:",
    "Not everyone gets side effects. The ones that can happen include:",
)
EMERGENCY_LINE = ("If you have severe symptoms such as trouble breathing or swelling of your "
                  "face, lips or throat, call 911 or your local emergency number.")
ONSETS = ("b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z",
          "br", "cr", "dr", "fl", "gr", "pl", "pr", "st", "tr", "th", "sh", "ch", "cl", "sp")
VOWELS = ("a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ea", "io", "ou", "y")
CODAS = ("", "", "n", "r", "l", "s", "t", "m", "x", "nd", "st", "rt")


class Sampler:
    """Weighted choice over a fixed list, with precomputed cumulative weights."""

    def __init__(self, items: list[str], weights: list[float]) -> None:
        self.items = items
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> str:
        return self.items[bisect(self.cumulative, rng.random() * self.total)]

    def picks(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.items, cum_weights=self.cumulative, k=k)


def zipf_weights(count: int, exponent: float = ZIPF_EXPONENT) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


def is_content_word(word: str) -> bool:
    """A word worth searching for, a title or a heading (not a stop word, not tiny)."""
    return len(word) >= 3 and word.isalpha() and word not in STOP_WORDS


def read_real_words() -> list[tuple[str, int]]:
    """The real guide's words with their counts, commonest first (bench/words.txt)."""
    pairs = []
    for line in WORDS_FILE.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, count = line.split()
            pairs.append((word, int(count)))
    return pairs


def refresh_words(content_dir: Path = ROOT / "content") -> int:
    """Re-read the words of the real guide's articles into bench/words.txt."""
    from lxml import html as lxml_html

    counts: Counter[str] = Counter()
    for path in sorted(content_dir.glob("*/*.html")):
        if path.parent.name == "pages":
            continue
        article = lxml_html.fromstring(path.read_bytes())
        counts.update(re.findall(r"[a-z]+(?:'[a-z]+)?", article.text_content().lower()))
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    lines = ["# word count: the real guide's article words (python bench/synth.py "
             "--refresh-words)", *(f"{w} {c}" for w, c in ranked)]
    WORDS_FILE.write_text("\n".join(lines) + "\n", "utf-8")
    return len(ranked)


def pseudo_word(rng: random.Random) -> str:
    """A pronounceable made-up word of 2 to 4 syllables."""
    syllables = rng.choice((1, 2, 2, 2, 3, 3))
    parts = [rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables)]
    return "".join(parts) + rng.choice(CODAS)


@dataclass
class Vocabulary:
    """Ranked words (real ones interleaved with generated ones) and samplers over them."""

    ranked: list[str]
    real: set[str]
    prose: Sampler = field(init=False)
    content: Sampler = field(init=False)
    content_words: list[str] = field(init=False)

    def __post_init__(self) -> None:
        weights = zipf_weights(len(self.ranked))
        self.prose = Sampler(self.ranked, weights)
        kept = [(w, wt) for w, wt in zip(self.ranked, weights, strict=True) if is_content_word(w)]
        self.content_words = [w for w, _ in kept]
        self.content = Sampler(self.content_words, [wt for _, wt in kept])


@cache
def vocabulary() -> Vocabulary:
    """The benchmark's vocabulary: the same on every run (seeded)."""
    real = [word for word, _ in read_real_words()]
    rng = random.Random(f"{SEED}-words")
    known = set(real)
    generated: list[str] = []
    while len(generated) < GENERATED_WORDS:
        word = pseudo_word(rng)
        if word not in known:
            known.add(word)
            generated.append(word)
    ranked = real[:TOP_REAL_WORDS]
    rest_real, rest_generated = real[TOP_REAL_WORDS:], iter(generated)
    for word in rest_real:  # one real word, then three generated ones
        ranked.append(word)
        ranked.extend(next(rest_generated) for _ in range(3))
    ranked.extend(rest_generated)
    return Vocabulary(ranked, set(real))


def effect_sampler(system: str) -> Sampler:
    effects = list(EFFECTS[system])
    return Sampler(effects, zipf_weights(len(effects), 0.8))


def all_effects() -> list[tuple[str, str, float]]:
    """(system, effect, weight) for every effect, the weight as used by the generator."""
    found = []
    for system in BODY_SYSTEMS:
        weights = zipf_weights(len(EFFECTS[system]), 0.8)
        found.extend((system, effect, w) for effect, w in zip(EFFECTS[system], weights,
                                                                strict=True))
    return found


@dataclass
class PageInfo:
    """What the query mix needs to know about a generated page."""

    relative: str
    section: str
    drug: str
    bigram: str


class PageBuilder:
    """Writes one page's HTML, counting the words of its article."""

    def __init__(self, rng: random.Random, vocab: Vocabulary) -> None:
        self.rng = rng
        self.vocab = vocab
        self.parts: list[str] = []
        self.words = 0
        self.bigram = ""

    def sentence(self, low: int = 6, high: int = 16) -> str:
        words = self.vocab.prose.picks(self.rng, self.rng.randint(low, high))
        if not self.bigram:
            self.bigram = next((f"{a} {b}" for a, b in pairwise(words)
                                if is_content_word(a) and is_content_word(b)), "")
        if len(words) > 8 and self.rng.random() < 0.3:
            words[len(words) // 2] += ","
        self.words += len(words)
        return " ".join(words).capitalize() + "."

    def paragraph(self, low: int, high: int, link_to: str = "") -> None:
        target = self.rng.randint(low, high)
        sentences: list[str] = []
        start = self.words
        while self.words - start < target:
            sentences.append(html.escape(self.sentence()))
        if link_to and len(sentences) > 1:
            word = html.escape(self.vocab.content.pick(self.rng))
            sentences.insert(1, f'See <a href="{link_to}">{word}</a>.')
            self.words += 2
        self.parts.append(f"<p>{' '.join(sentences)}</p>")

    def heading(self, level: int, text: str = "") -> None:
        if not text:
            text = self.title_words(2, 5)
        self.words += len(text.split())
        self.parts.append(f"<h{level}>{html.escape(text)}</h{level}>")

    def bullet_list(self, items: list[str]) -> None:
        self.words += sum(len(item.split()) for item in items)
        lines = "\n".join(f"<li>{html.escape(item)}</li>" for item in items)
        self.parts.append(f"<ul>\n{lines}\n</ul>")

    def title_words(self, low: int, high: int) -> str:
        words = [self.vocab.content.pick(self.rng) for _ in range(self.rng.randint(low, high))]
        return " ".join(w.capitalize() for w in words)

    def phrase(self, low: int, high: int) -> str:
        return " ".join(self.vocab.prose.picks(self.rng, self.rng.randint(low, high)))


def drug_name(rng: random.Random) -> str:
    stem = pseudo_word(rng)[: rng.randint(4, 7)]
    return (stem + rng.choice(DRUG_SUFFIXES)).capitalize()


def side_effect_lines(rng: random.Random) -> tuple[list[str], list[str]]:
    """`Body system: effect, effect; effect` items, and the effects they name."""
    systems = rng.sample(BODY_SYSTEMS, rng.randint(3, 7))
    lines, named = [], []
    for system in systems:
        sampler = effect_sampler(system)
        effects = list(dict.fromkeys(sampler.pick(rng) for _ in range(rng.randint(1, 4))))
        named.extend(effects)
        if len(effects) >= 3 and rng.random() < 0.3:
            text = ", ".join(effects[:2]) + "; " + ", ".join(effects[2:])
        else:
            text = ", ".join(effects)
        lines.append(f"{system}: {text}")
    return lines, named


def warning_items(builder: PageBuilder, effects: list[str]) -> list[str]:
    rng = builder.rng
    items = []
    for _ in range(rng.randint(3, 6)):
        if effects and rng.random() < 0.5:
            items.append(f"you have {rng.choice(effects)} that does not go away")
        else:
            items.append(f"you {builder.phrase(4, 9)}")
    return items


def page_sections(builder: PageBuilder, budget: int, drug: bool, section: str) -> None:
    """The article's h2 sections (with some h3s and lists) until the word budget is spent."""
    rng = builder.rng
    headings = list(DRUG_HEADINGS) if drug else []
    rng.shuffle(headings)
    while builder.words < budget:
        use_standard = headings and rng.random() < 0.5
        builder.heading(2, headings.pop() if use_standard else "")
        for _ in range(rng.randint(1, 3)):
            link = f"/sections/{section}" if rng.random() < 0.1 else ""
            builder.paragraph(25, 80, link)
        if rng.random() < 0.25:
            builder.heading(3)
            builder.paragraph(20, 50)
        if rng.random() < 0.2:
            builder.bullet_list([builder.phrase(3, 9) for _ in range(rng.randint(3, 5))])


def render_document(title: str, description: str, keywords: list[str], drug: str,
                    article: list[str]) -> str:
    """A full HTML document in the shape of the real pages."""
    drug_meta = f'\n<meta name="drug" content="{html.escape(drug)}">' if drug else ""
    body = "\n".join(article)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n"
        f'<meta name="description" content="{html.escape(description)}">\n'
        f'<meta name="keywords" content="{html.escape(", ".join(keywords))}">{drug_meta}\n'
        f"</head>\n<body>\n<article>\n{body}\n</article>\n</body>\n</html>\n"
    )


def generate_page(index: int) -> tuple[str, str, PageInfo]:
    """Page number `index`: (relative path, HTML, info). The same in every guide size."""
    rng = random.Random(f"{SEED}-page-{index}")
    vocab = vocabulary()
    section = rng.choice(list(SECTIONS))
    is_drug = section in DRUG_SECTIONS
    builder = PageBuilder(rng, vocab)
    drug = drug_name(rng) if is_drug else ""
    if drug and rng.random() < 0.3:
        title = f"{drug} ({pseudo_word(rng).capitalize()})"
    else:
        title = drug or builder.title_words(2, 4)
    description = builder.sentence(15, 25)
    keywords = [builder.vocab.content.pick(rng) for _ in range(rng.randint(4, 8))]
    if drug:
        keywords = [drug.lower(), *keywords, pseudo_word(rng).capitalize()]
    builder.words = 0
    budget = rng.randint(400, 600)
    builder.heading(1, title)
    builder.paragraph(30, 70)
    reserved = 90 if drug else 0
    page_sections(builder, budget - reserved, is_drug, section)
    if drug:
        lines, effects = side_effect_lines(rng)
        builder.heading(2, "Possible Side Effects")
        builder.parts.append(f"<p>{rng.choice(SIDE_EFFECT_LEADS)}</p>")
        builder.bullet_list(lines)
        builder.heading(2, "Call Your Doctor Right Away If")
        builder.bullet_list(warning_items(builder, effects))
        builder.parts.append(f"<p>{EMERGENCY_LINE}</p>")
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    relative = f"{section}/{slug}-{index}.html"
    document = render_document(title, description, keywords, drug, builder.parts)
    return relative, document, PageInfo(relative, section, drug, builder.bigram)


def _write_pages(args: tuple[Path, int, int]) -> list[PageInfo]:
    folder, start, stop = args
    infos = []
    for index in range(start, stop):
        relative, document, info = generate_page(index)
        (folder / relative).write_text(document, "utf-8")
        infos.append(info)
    return infos


def inputs_hash() -> str:
    """A short hash of what the pages depend on besides this file's version."""
    digest = hashlib.sha256(WORDS_FILE.read_bytes())
    for name in EDITOR_FILES:
        source = ROOT / "content" / name
        digest.update(source.read_bytes() if source.exists() else b"")
    return digest.hexdigest()[:8]


def guide_dir(size: int) -> Path:
    return CACHE_ROOT / f"synth-v{GENERATOR_VERSION}-{inputs_hash()}-{size}"


def generate_guide(size: int, folder: Path, workers: int = 2) -> list[PageInfo]:
    """Write `size` pages (and the real guide's synonyms and notices) into `folder`."""
    for slug in SECTIONS:
        (folder / slug).mkdir(parents=True, exist_ok=True)
    for name in EDITOR_FILES:
        if (ROOT / "content" / name).exists():
            shutil.copyfile(ROOT / "content" / name, folder / name)
    vocabulary()  # built once here, inherited by forked workers
    chunk = 500
    jobs = [(folder, start, min(size, start + chunk)) for start in range(0, size, chunk)]
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return [info for infos in pool.map(_write_pages, jobs) for info in infos]
    return [info for job in jobs for info in _write_pages(job)]


def ensure_guide(size: int, log=print) -> Path:
    """The cached guide of `size` pages, generated first when it is not there yet."""
    folder = guide_dir(size)
    if (folder / META_FILE).exists():
        return folder
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    building = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    log(f"generating a {size}-page guide in {folder} ...")
    started = time.perf_counter()
    infos = generate_guide(size, building, workers=min(2, os.cpu_count() or 1))
    meta = {
        "version": GENERATOR_VERSION,
        "size": size,
        "seconds": round(time.perf_counter() - started, 2),
        "drugs": [i.drug for i in infos if i.drug],
        "bigrams": [i.bigram for i in infos if i.bigram][:5000],
        "sections": dict(Counter(i.section for i in infos)),
    }
    (building / META_FILE).write_text(json.dumps(meta), "utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.rename(building, folder)
    log(f"generated {size} pages in {meta['seconds']:.1f}s")
    return folder


def load_meta(folder: Path) -> dict:
    return json.loads((folder / META_FILE).read_text("utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--refresh-words", action="store_true",
                        help="re-read bench/words.txt from content/ (changes every guide)")
    args = parser.parse_args()
    if args.refresh_words:
        print(f"{refresh_words()} words written to {WORDS_FILE}")
        return 0
    print(ensure_guide(args.size, log=lambda m: print(m, file=sys.stderr)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
