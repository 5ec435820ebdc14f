"""Patient-language search: synonyms, spelling, relaxing, syntax, notices, suggestions."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from guide_site.app import create_app
from guide_site.settings import load_settings
from indexer.build import build_index
from indexer.safety_file import SAFETY_FILE
from search.guide import SYNONYMS_FILE, Guide
from search.synonyms import parse_synonyms

from .conftest import CONTENT


def top(client: TestClient, q: str, **params) -> list[str]:
    data = client.get("/api/search", params={"q": q, **params}).json()
    return [r["url"] for r in data["results"]]


@pytest.mark.parametrize(
    ("query", "page"),
    [
        ("throwing up after my iv", "/other-drugs/ivig"),
        ("plaquenil eye test", "/treating-lupus/hydroxychloroquine"),
        ("moon face", "/treating-lupus/corticosteroids"),
        ("brain fog", "/lupus-symptoms/brain-and-nerves"),
        ("blood thinner", "/other-drugs/anticoagulants"),
        ("benlysta", "/treating-lupus/belimumab"),
        ("hcq", "/treating-lupus/hydroxychloroquine"),
        ("butterfly rash", "/lupus-symptoms/skin-rashes-and-sun-sensitivity"),
        ("hair falling out", "/lupus-symptoms/hair-loss"),
    ],
)
def test_lay_words_and_brand_names_reach_the_page(client: TestClient, query: str, page: str):
    assert top(client, query)[0] == page


def test_typos_are_corrected_with_a_way_back(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "hedache after infusion"}).json()
    assert data["corrected_query"] == "headache after infusion"
    assert data["results"][0]["url"] == "/other-drugs/ivig"
    html = client.get("/search", params={"q": "plaqenil"}).text
    assert "Showing results for" in html and "Search instead for" in html
    exact = client.get("/api/search", params={"q": "plaqenil", "exact": "1"}).json()
    assert exact["corrected_query"] is None and exact["total"] == 0
    short = client.get("/api/search", params={"q": "ana"}).json()
    assert short["corrected_query"] is None  # short words are not "corrected"


def test_an_extra_word_never_dead_ends(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "headache zxqvw"}).json()
    assert data["total"] > 0 and data["relaxed"] is True
    assert data["missing_words"] == ["zxqvw"]
    html = client.get("/search", params={"q": "headache zxqvw"}).text
    assert "No page has all of your words" in html


def test_pages_with_every_word_rank_first(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "tummy ache on imuran"}).json()
    urls = [r["url"] for r in data["results"]]
    assert "/treating-lupus/azathioprine" in urls[:3]


def test_staff_query_syntax(client: TestClient) -> None:
    phrase = top(client, '"infusion center"')
    assert "/other-drugs/ivig" in phrase
    without = top(client, "infusion -ivig")
    assert "/other-drugs/ivig" not in without and without
    in_section = client.get("/api/search", params={"q": "headache section:other-drugs"}).json()
    assert {r["section"] for r in in_section["results"]} == {"other-drugs"}
    by_effect = client.get("/api/search", params={"q": "effect:headache"}).json()
    assert by_effect["total"] == len(client.get("/api/side-effects/headache").json()["drugs"])
    for broken in ['"chest pain', "section:", "foo:bar headache", "((headache", "AND OR NOT"]:
        assert client.get("/api/search", params={"q": broken}).status_code == 200


def test_safety_notices(client: TestClient) -> None:
    urgent = client.get("/api/search", params={"q": "swelling of my face and trouble breathing"})
    assert urgent.json()["notice"]["id"] == "allergic-reaction"
    crisis = client.get("/api/search", params={"q": "i want to kill myself"}).json()
    assert crisis["notice"]["id"] == "crisis"
    assert "tel:988" in [a["href"] for a in crisis["notice"]["actions"]]
    assert client.get("/api/search", params={"q": "hair loss"}).json()["notice"] is None
    html = client.get("/search", params={"q": "chest pain"}).text
    assert 'role="alert"' in html


def test_suggestions_as_you_type(client: TestClient) -> None:
    data = client.get("/api/suggest", params={"q": "headache after inf"}).json()
    assert "/other-drugs/ivig" in [s["url"].split("#")[0] for s in data["suggestions"]]
    titles = client.get("/api/suggest", params={"q": "hydrox"}).json()["suggestions"]
    assert titles[0]["text"] == "Hydroxychloroquine (Plaquenil)"
    effects = client.get("/api/suggest", params={"q": "dizz"}).json()["suggestions"]
    assert any(s["kind"] == "side effect" for s in effects)
    assert client.get("/api/suggest", params={"q": ""}).json()["suggestions"] == []


def test_side_effect_suggestions_open_their_page(client: TestClient) -> None:
    for typed in ("dizz", "head", "nau", "ras", "hair"):
        suggested = client.get("/api/suggest", params={"q": typed}).json()["suggestions"]
        for row in (s for s in suggested if s["kind"] == "side effect"):
            assert client.get(row["url"]).status_code == 200, row


def test_synonyms_file_format() -> None:
    synonyms = parse_synonyms("# notes\nvomiting, throwing up, Being sick # comment\n\nsolo\n")
    assert synonyms.groups == [("vomiting", "throwing up", "being sick")]
    assert synonyms.alternatives("throwing up")[0] == "throwing up"
    assert synonyms.match_at(["i", "am", "being", "sick"], 2) == 2
    groups = [line for line in (CONTENT / "synonyms.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    assert len(groups) >= 150


def test_synonym_edits_apply_without_a_rebuild(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    build_index(content, tmp_path / "index")
    app = create_app(load_settings({}).with_paths(content, tmp_path / "index"))
    with TestClient(app) as client:
        assert client.get("/api/search", params={"q": "glorpitis"}).json()["total"] == 0
        synonyms = content / "synonyms.txt"
        synonyms.write_text(synonyms.read_text() + "\nraynaud's phenomenon, glorpitis\n")
        later = time.time() + 5
        os.utime(synonyms, (later, later))
        data = client.get("/api/search", params={"q": "glorpitis"}).json()
        assert data["results"][0]["url"] == "/lupus-symptoms/raynauds-phenomenon"


def test_an_edit_while_the_editors_files_are_read_is_not_missed(
        guide_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for name in (SYNONYMS_FILE, SAFETY_FILE):
        shutil.copy(CONTENT / name, content / name)
    synonyms, notices = content / SYNONYMS_FILE, content / SAFETY_FILE
    real_stat, edited = os.stat, []

    def stat(path, *args, **kwargs):
        if path == notices and not edited:  # the synonyms are read; the edit lands now
            edited.append(path)
            synonyms.write_text(synonyms.read_text() + "\nraynaud's phenomenon, glorpitis\n")
            later = time.time() + 5
            os.utime(synonyms, (later, later))
        return real_stat(path, *args, **kwargs)

    guide = Guide(guide_index, content)
    try:
        monkeypatch.setattr(os, "stat", stat)
        guide.context()
        monkeypatch.undo()
        assert edited
        assert guide.context().synonyms.alternatives("glorpitis")[1:]
    finally:
        guide.close()


def test_words_only_in_page_text_are_not_corrected(client: TestClient) -> None:
    # "preeclampsia" stands only in the text of the pregnancy page, not in any title.
    data = client.get("/api/search", params={"q": "preeclampsia"}).json()
    assert data["corrected_query"] is None
    assert data["results"][0]["url"] == "/living-with-lupus/pregnancy-and-birth-control"
