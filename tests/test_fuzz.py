"""Hostile and odd input to the search endpoints: never a 500, only 200 or 400, JSON that
parses, and no query that takes unbounded time."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

EXAMPLES = 150
ABSURD_SECONDS = 10.0  # only something absurd fails; a normal search takes milliseconds
LONG_URL = 8192  # bytes of path and query string above which a 414 is a fair answer
ENDPOINTS = ("/search", "/api/search", "/api/suggest")
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

SYNTAX = [
    '"', "'", "(", ")", "[", "]", "{", "}", "<", ">", "AND", "OR", "NOT", "and", "or", "not",
    "+", "-", "--", "~", "~2", "^", "^3", ":", "::", "*", "?", "a*", "*a", "he*che", "\\", "/",
    "&&", "||", "!", "section:", "effect:", "system:", "section:treating-lupus",
    "effect:headache", "system:Neurologic", "section:nowhere", "effect:<b>", "system:\"",
    "title:lupus", "body:rash", "url:/etc/passwd", "path:..", "foo:bar", "FOO:", ":bar",
    "-section:treating-lupus", '"hair loss', 'loss"', '""', '"-"', "-\"quoted phrase\"",
    "lupus", "headache", "plaquenil", "hydroxychloroquine", "rash", "the", "a", "é", "ß",
    "\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\u200b", "\u202e", "\u200f", "\ufeff",
    "\u0301", "e\u0301", "😀", "👩‍👩‍👧", "🏳️‍🌈", "ﷺ", "𝔩𝔲𝔭𝔲𝔰", "ｌｕｐｕｓ", "ﬁ", "Ⅻ",
    "مرض الذئبة", "狼疮", "ループス", "\\ud800", "%00", "%ff", "%", "&", "=", "#", ";",
    "<script>", "{{7*7}}", "${7*7}", "' OR 1=1 --",
]
ODD_UNICODE = st.characters(categories=["Mn", "Me", "Cf", "Co", "So", "Sk", "Zs", "Zl", "Zp",
                                        "Cc", "Lo", "Nd", "No"])


def _syntax_soup() -> st.SearchStrategy[str]:
    separators = st.sampled_from(["", " ", "  ", "\t", ":", "-", '"'])
    return st.lists(st.tuples(st.sampled_from(SYNTAX), separators), max_size=30).map(
        lambda parts: "".join(token + sep for token, sep in parts)
    )


def _huge() -> st.SearchStrategy[str]:
    """Long queries: many terms, one enormous word, repeated syntax (up to 10,000 chars)."""
    return st.one_of(
        st.integers(1, 2000).map(lambda n: " ".join(f"w{i}" for i in range(n))[:10_000]),
        st.integers(1, 10_000).map(lambda n: "a" * n),
        st.integers(1, 3000).map(lambda n: ("lupus " * n)[:10_000]),
        st.integers(1, 2500).map(lambda n: ('"( ' * n)[:10_000]),
        st.integers(1, 1000).map(lambda n: ("a* OR " * n)[:10_000]),
        st.integers(1, 2500).map(lambda n: ("😀" * n)),
    )


QUERIES = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=ODD_UNICODE, max_size=200),
    st.text(alphabet=st.characters(max_codepoint=0x9f), max_size=100),  # control characters
    _syntax_soup(),
    _huge(),
)
PAGES = st.one_of(
    st.none(),
    st.sampled_from(["1", "2", "3", "50"]),
    st.sampled_from(["0", "-1", "1e9", "abc", "", " ", "1.5", "01", "+1", "0x10", "1,000",
                     "99999999999999999999", "²", "٣", "①", "½", "1\x00", "NaN", "inf",
                     "9" * 5000]),
    st.integers(-10**12, 10**12).map(str),
    st.text(max_size=12),
)
FACET_VALUES = st.one_of(
    st.sampled_from(["treating-lupus", "Treating Lupus", "nowhere", "", " ", "Neurologic",
                     "headache", "<script>alert(1)</script>", "x" * 101, "\x00", "../..",
                     "section:effect", "😀"]),
    st.text(max_size=120),
)


def check_response(response, path: str, seconds: float) -> None:
    # The results page answers 404 for a page past the last one (with a link to the last).
    allowed = (200, 400) if path.startswith("/api") else (200, 400, 404)
    if len(response.request.url.raw_path) > LONG_URL:
        allowed = (*allowed, 414)  # refused as too long before any search: fine
    assert response.status_code in allowed, (
        f"{response.request.url} -> {response.status_code}: {response.text[:300]}"
    )
    assert seconds < ABSURD_SECONDS, f"{response.request.url} took {seconds:.1f} s"
    if path.startswith("/api"):
        assert response.headers["content-type"].startswith("application/json")
        data = json.loads(response.text)  # valid JSON, whatever came in
        assert isinstance(data, dict)
        if response.status_code == 400:
            assert "error" in data
    else:
        assert response.headers["content-type"].startswith("text/html")


def get(client: TestClient, path: str, params) -> None:
    started = time.perf_counter()
    response = client.get(path, params=params)
    check_response(response, path, time.perf_counter() - started)


@FUZZ
@given(q=QUERIES)
@example(q='"unbalanced ( [ {')
@example(q="lupus AND OR NOT +rash -rash ~ ^ : title:x foo:bar *")
@example(q="x" * 10_000)
@example(q=" ".join(["a*"] * 2000))
@example(q="\x00\x01\x02\x1f\x7f")
@example(q="\u202eevil\u202c \u0301\u0301\u0301 😀")
def test_search_page_never_fails(client: TestClient, q: str) -> None:
    get(client, "/search", {"q": q})


@FUZZ
@given(q=QUERIES)
@example(q='"unbalanced ( [ {')
@example(q="section: effect: system:")
@example(q="x" * 10_000)
@example(q="*")
def test_search_api_never_fails(client: TestClient, q: str) -> None:
    get(client, "/api/search", {"q": q})


@FUZZ
@given(q=QUERIES)
@example(q="a*")
@example(q="x" * 10_000)
@example(q="\x00")
@example(q='"')
def test_suggest_api_never_fails(client: TestClient, q: str) -> None:
    get(client, "/api/suggest", {"q": q})


@FUZZ
@given(path=st.sampled_from(["/search", "/api/search"]), q=QUERIES, page=PAGES,
       sections=st.lists(FACET_VALUES, max_size=25), systems=st.lists(FACET_VALUES, max_size=3),
       effects=st.lists(FACET_VALUES, max_size=3),
       extra=st.sampled_from([None, {"exact": "1"}, {"fragment": "1"}, {"exact": "yes"}]))
@example(path="/api/search", q="lupus", page="²", sections=[], systems=[], effects=[],
         extra=None)
@example(path="/search", q="lupus", page="9" * 5000, sections=[], systems=[], effects=[],
         extra=None)
@example(path="/search", q="rash", page="2", sections=["Treating Lupus", "nowhere"],
         systems=["Neurologic"], effects=["<script>alert(1)</script>"], extra={"fragment": "1"})
def test_search_with_odd_pages_and_facets_never_fails(
    client: TestClient, path: str, q: str, page: str | None, sections: list[str],
    systems: list[str], effects: list[str], extra: dict[str, str] | None,
) -> None:
    params: list[tuple[str, str]] = [("q", q)] + ([("page", page)] if page is not None else [])
    params += [("section", v) for v in sections]
    params += [("system", v) for v in systems] + [("effect", v) for v in effects]
    params += list((extra or {}).items())
    get(client, path, params)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(words=QUERIES, path=st.sampled_from(["/treating-lupus/methotrexate",
                                            "/api/pages/treating-lupus/methotrexate"]))
def test_page_highlight_words_never_fail(client: TestClient, words: str, path: str) -> None:
    started = time.perf_counter()
    response = client.get(path, params={"highlight": words})
    check_response(response, path, time.perf_counter() - started)
    assert response.status_code == 200 or len(response.request.url.raw_path) > LONG_URL


@pytest.mark.parametrize("path", ["/search", "/api/search"])
@pytest.mark.parametrize("number", ["", " ", "0", "-1", "1e9", "abc", "1.5", "²", "①", "9" * 5000,
                                    "99999999999999999999", "1\x00"])
def test_bad_page_numbers_are_a_400(client: TestClient, path: str, number: str) -> None:
    response = client.get(path, params={"q": "lupus", "page": number})
    assert response.status_code == 400, f"page={number[:20]!r} -> {response.status_code}"


@pytest.mark.parametrize("path", ["/search", "/api/search"])
@pytest.mark.parametrize("number", ["1", "2", "50"])
def test_good_page_numbers_are_fine(client: TestClient, path: str, number: str) -> None:
    response = client.get(path, params={"q": "lupus", "page": number})
    if path == "/search" and number == "50":  # past the last page: a 404 that says where
        assert response.status_code == 404 and "There is no page 50" in response.text
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("raw", [
    "q=a&q=b&q=c", "q=lupus&page=1&page=2&page=abc", "q=%ED%A0%80", "q=%ED%B0%80%ED%A0%80",
    "q=%zz", "q=%", "q=%%%", "q=%ff%fe%00", "q=%C0%AF", "q", "=", "&&&", "q=&q=",
    "q=lupus&section=nowhere&section=&effect=not-an-effect&system=Nowhere",
    "q=" + "%22" * 3000, "q=lupus" + "&section=x" * 30, "q=lupus&section=" + "x" * 200,
    "q[]=1&q[x]=2", "Q=lupus", "q=lupus;page=2",
])
def test_raw_query_strings_never_fail(client: TestClient, path: str, raw: str) -> None:
    started = time.perf_counter()
    response = client.get(f"{path}?{raw}")
    check_response(response, path, time.perf_counter() - started)
