"""A search as it may be stored: lower case, and with anything that could identify a reader
taken out (e-mail addresses, links, phone numbers, dates, a name after "my name is", every
digit). Crisis searches are never stored at all; that is decided where they are recorded.

The patterns err on the side of removing too much: a query that loses a number still tells
editors what was looked for, while a stored phone number could tell who looked."""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 200  # longer searches are cut (the site itself uses the first 300 characters)

EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
LINK = re.compile(r"\b(?:https?://|www\.)\S+")
# Seven digits or more, with the separators people type in phone numbers.
PHONE_LIKE = re.compile(r"\+?\(?\d[\d\s().\-/]{5,}\d\)?")
MIN_PHONE_DIGITS = 7
MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
DATE = re.compile(
    r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b"  # 12/03/1985, 1985-03-12, 12.3.85
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\b\.?(?:,?\s+\d{{2,4}}\b)?"
    rf"|\b(?:{MONTHS})\b\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{2,4}}\b)?"
    rf"|\b(?:{MONTHS})\b\.?,?\s+\d{{4}}\b"
)
# After "my name is" (and the like), up to three words that could be a name. A word that
# starts the rest of a sentence ("my name is ann and i have a rash") ends the name.
NAME_INTRO = r"(?:my\s+name\s+is|my\s+name's|my\s+names|name\s+is|name\s*:|i\s+am\s+called|" \
             r"i'?m\s+called|call\s+me|i\s+am\s+named|my\s+(?:first|last|full)\s+name\s+is)"
NOT_A_NAME = frozenset("""and or but i im i'm am is was have has had with who what how why
    when where do does my me age aged years year old from in at on of to for lupus sle
    so because""".split())
WORD = r"[^\W\d_][\w'’-]*"
NAME = re.compile(rf"\b({NAME_INTRO})\s+({WORD}(?:\s+{WORD}){{0,2}})")
BIRTH = re.compile(r"\b(date\s+of\s+birth|d\.?o\.?b\.?|born(?:\s+on|\s+in)?|birthday)"
                   r"[\s:]*((?:[#\d./-]+|\[date\]|(?:" + MONTHS + r")\b\.?|st|nd|rd|th|,|\s)+)")
DIGITS = re.compile(r"\d+")
SPACES = re.compile(r"\s+")


def _phones(text: str) -> str:
    def replace(match: re.Match) -> str:
        found = match.group(0)
        digits = sum(c.isdigit() for c in found)
        return " [phone] " if digits >= MIN_PHONE_DIGITS else found
    return PHONE_LIKE.sub(replace, text)


def _names(text: str) -> str:
    def replace(match: re.Match) -> str:
        kept = []
        for word in match.group(2).split():
            if word.replace("’", "'") in NOT_A_NAME:
                break
            kept.append(word)
        rest = match.group(2).split()[len(kept):]
        if not kept:
            return match.group(0)
        return " ".join([match.group(1), "[name]", *rest])
    return NAME.sub(replace, text)


def _birth(text: str) -> str:
    def replace(match: re.Match) -> str:
        value = match.group(2)
        return f"{match.group(1)} [date] " if value.strip(" ,") else match.group(0)
    return BIRTH.sub(replace, text)


def normalise(query: str) -> str:
    """The query as it may be stored: see the module's docstring."""
    text = unicodedata.normalize("NFKC", query).replace("\u2019", "'").lower()
    text = LINK.sub(" [link] ", text)
    text = EMAIL.sub(" [email] ", text)
    text = DATE.sub(" [date] ", text)
    text = _phones(text)
    text = _birth(text)
    text = _names(text)
    text = DIGITS.sub("#", text)
    text = SPACES.sub(" ", text).strip()
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS].rsplit(" ", 1)[0]
    return text
