"""Real-shaped HTML for the benchmark: pages as documentation generators write them.

    python bench/realistic.py --corpus mix     # generate (or reuse) and print the folder
    python bench/realistic.py --corpus long
    python bench/realistic.py --page 1000000 > page.html   # one page of about that size

The synthetic guide (bench/synth.py) has our own page format: small, flat, one <article>.
What a new user points the indexer at is generated software documentation: long reference
pages with big tables, code blocks, definition lists, sidebars and navigation chrome,
permalink marks in every heading, old XHTML with an XML declaration, and pages in Korean or
Japanese in their own encodings. These pages have that shape (the words are the synthetic
guide's, the markup is modelled on five kinds of generator):

- `sphinx/`: XHTML 1.0, no <article> or <main> (the text is in div.body among the related
  bars, a sidebar and a footer), nested div.section, "¶" headerlinks, API definition lists,
  highlighted code (a span per token), docutils tables.
- `mkdocs/`: HTML5, header, navigation tree and table of contents around
  <main><article>, headerlinks, tables.
- `doxygen/`: an XML declaration (bs4 warns that it looks like XML), no <h1> (the title
  is in a div, so the page's <title> stands in), a.anchor marks, member tables, deep nesting.
- `httpd/`: module reference pages in English (UTF-8), Korean (EUC-KR) and Japanese
  (Shift_JIS or EUC-JP), each with an XML declaration and a charset meta; directive tables.
- `rustdoc/`: HTML5 <main>, a sidebar, "§" a.anchor and lone "#" links in headings.

Corpora: `mix` is 600 pages of 5-50 KB (the everyday case); `long` is 60 pages of 20 KB to
1 MB, three of them about 1 MB. Each is cached in
/tmp/lupus-guide-bench/realistic-v<version>-<inputs>-<name>/ and reused; page i of a corpus is
always the same page.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import random
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import ClassVar

from synth import CACHE_ROOT, Sampler, Vocabulary, inputs_hash, vocabulary, zipf_weights

GENERATOR_VERSION = "2"
SEED = "lupus-guide-realistic"
META_FILE = "bench-meta.json"
ARTICLE_MARK = "\x00article\x00"  # where the article goes in a page's rendered chrome


@dataclass(frozen=True)
class Corpus:
    name: str
    pages: int
    smallest: int  # bytes
    largest: int
    full_size: int = 0  # this many pages (the first ones) are `largest` bytes


CORPORA = {
    "mix": Corpus("mix", 600, 5_000, 50_000),
    "long": Corpus("long", 60, 20_000, 1_000_000, full_size=3),
}
# Shares of the kinds of page (which generator made them).
KINDS = (("sphinx", 35), ("mkdocs", 25), ("doxygen", 15), ("httpd", 15), ("rustdoc", 10))

# Our own small word lists for the Korean and Japanese pages (everyday words of manuals).
KOREAN = ("설정", "사용", "방법", "경우", "지정", "변수", "함수", "값", "문자열", "예제", "다음",
          "설명", "환경", "실행", "파일", "서버", "모듈", "지시어", "요청", "응답", "주소", "이름",
          "디렉토리", "기본값", "문법", "문맥", "상태", "호환성", "규칙", "조건", "로그", "보안",
          "접근", "제어", "인증", "캐시", "연결", "시간", "크기", "목록", "은", "는", "을", "를",
          "이", "가", "에서", "으로", "합니다", "있습니다", "없습니다", "하면", "그리고")
JAPANESE = ("設定", "使用", "方法", "場合", "指定", "変数", "関数", "値", "文字列", "例", "以下",
            "次", "説明", "環境", "実行", "ファイル", "サーバ", "モジュール", "ディレクティブ",
            "リクエスト", "レスポンス", "アドレス", "名前", "ディレクトリ", "デフォルト", "構文",
            "状態", "互換性", "規則", "条件", "ログ", "セキュリティ", "アクセス", "制御", "認証",
            "キャッシュ", "接続", "時間", "大きさ", "一覧", "は", "が", "を", "に", "で", "と",
            "の", "します", "できます", "ありません", "すると", "また")
CODE_WORDS = ("def", "return", "import", "class", "if", "for", "in", "None", "self", "print",
              "const", "let", "fn", "pub", "struct", "impl", "use", "match", "while", "else")
API_NAMES = 4000  # names of the documented software's API
NEW_NAME_SHARE = 0.1  # names mentioned on one page only
TOKEN_CLASSES = ("n", "o", "p", "k", "nf", "nb", "s1", "mi", "c1", "kn", "nn", "bp")


@cache
def api_names() -> Sampler:
    """The documented software's names, commonest first (the same on every run)."""
    words = Words(random.Random(f"{SEED}-api"), vocabulary())
    names = list(dict.fromkeys(words.new_identifier() for _ in range(API_NAMES)))
    return Sampler(names, zipf_weights(len(names), 0.9))


class Words:
    """Prose, identifiers and code from one page's random generator."""

    def __init__(self, rng: random.Random, vocab: Vocabulary, language: str = "en") -> None:
        self.rng = rng
        self.vocab = vocab
        self.language = language

    def word(self) -> str:
        return self.vocab.content.pick(self.rng)

    def identifier(self) -> str:
        """A name of the documented software (its API is one closed set of names, the
        commonest mentioned on many pages), or now and then one of its own."""
        if self.rng.random() < NEW_NAME_SHARE:
            return self.new_identifier()
        return api_names().pick(self.rng)

    def new_identifier(self) -> str:
        """A name as documentation is full of: snake_case, CamelCase, dotted, digits."""
        rng, a, b = self.rng, self.word(), self.word()
        shape = rng.randrange(8)
        if shape == 0:
            return f"mod_{a}"
        if shape == 1:
            return f"{a}_{b}"
        if shape == 2:
            return a.capitalize() + b.capitalize()
        if shape == 3:
            return f"{a}.{b}.{self.word()}"
        if shape == 4:
            return f"{a}{rng.randint(2, 64)}"
        if shape == 5:
            return f"--{a}-{b}"
        if shape == 6:
            return f"/etc/{a}/{b}.conf"
        return f"{a.upper()[:4]}_{b.upper()}"

    def phrase(self, low: int, high: int) -> str:
        count = self.rng.randint(low, high)
        if self.language == "ko":
            return " ".join(self.rng.choices(KOREAN, k=count))
        if self.language == "ja":
            return "".join(self.rng.choices(JAPANESE, k=count))
        return " ".join(self.vocab.prose.picks(self.rng, count))

    def sentence(self) -> str:
        end = "。" if self.language == "ja" else "."
        text = html.escape(self.phrase(6, 18))
        return (text[:1].upper() + text[1:] + end) if self.language == "en" else text + end

    def prose(self, sentences: int, inline: Callable[[str], str]) -> str:
        """Sentences with inline code and links, as generated docs have them."""
        parts = []
        for _ in range(sentences):
            sentence = self.sentence()
            roll = self.rng.random()
            if roll < 0.35:
                sentence = sentence.replace(" ", f" {inline(self.identifier())} ", 1)
            elif roll < 0.45:
                target = re.sub(r"[^a-z0-9]+", "-", self.word())
                sentence += f' See <a href="#{target}">{html.escape(self.phrase(2, 4))}</a>.'
            parts.append(sentence)
        return " ".join(parts)

    def code_lines(self, count: int) -> list[str]:
        """Highlighted code: every token in a span of its own (pygments' output)."""
        lines = []
        for _ in range(count):
            tokens = []
            for _ in range(self.rng.randint(2, 9)):
                text = self.rng.choice((self.identifier(), self.rng.choice(CODE_WORDS), "=",
                                        "(", ")", ".", str(self.rng.randint(0, 999))))
                tokens.append(f'<span class="{self.rng.choice(TOKEN_CLASSES)}">'
                              f"{html.escape(text)}</span>")
            lines.append(" ".join(tokens))
        return lines

    def slug(self, text: str) -> str:
        return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or f"s{self.rng.randrange(9999)}"


@dataclass
class Draft:
    """A page being written: its parts and how many bytes they make so far."""

    parts: list[str] = field(default_factory=list)
    size: int = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text.encode("utf-8"))

    def text(self) -> str:
        return "\n".join(self.parts)


class Generator:
    """One kind of documentation page: chrome around an article grown to a byte size."""

    doctype = "<!DOCTYPE html>"
    xml_declaration = False

    def __init__(self, words: Words, title: str) -> None:
        self.w = words
        self.rng = words.rng
        self.title = title
        self.anchor = words.slug(title)

    # The article's pieces, shared by every kind of page.
    def inline(self, name: str) -> str:
        return f"<code>{html.escape(name)}</code>"

    def paragraph(self) -> str:
        return f"<p>{self.w.prose(self.rng.randint(2, 7), self.inline)}</p>"

    def code_block(self) -> str:
        lines = "\n".join(self.w.code_lines(self.rng.randint(4, 30)))
        return f'<div class="highlight"><pre><span></span>{lines}</pre></div>'

    def table(self, most_rows: int = 60) -> str:
        columns = self.rng.randint(2, 5)
        head = "".join(f"<th>{html.escape(self.w.phrase(1, 2))}</th>" for _ in range(columns))
        rows = []
        for _ in range(self.rng.randint(5, max(5, most_rows))):
            cells = [f"<td>{self.inline(self.w.identifier())}</td>"]
            cells += [f"<td>{html.escape(self.w.phrase(1, 8))}</td>" for _ in range(columns - 1)]
            rows.append(f"<tr>{''.join(cells)}</tr>")
        return (f'<table class="docutils"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>")

    def definitions(self) -> str:
        items = []
        for _ in range(self.rng.randint(2, 8)):
            name = self.w.identifier()
            items.append(f'<dt id="{html.escape(self.w.slug(name))}">{self.inline(name)}'
                         f"{self.permalink(self.w.slug(name))}</dt><dd>{self.paragraph()}</dd>")
        return f"<dl>{''.join(items)}</dl>"

    def bullet_list(self) -> str:
        items = "".join(f"<li>{self.w.prose(1, self.inline)}</li>"
                        for _ in range(self.rng.randint(3, 10)))
        return f"<ul>{items}</ul>"

    def block(self, room: int = 100_000) -> str:
        """A paragraph, code, a table, definitions or a list (only a paragraph when the
        page has less than `room` bytes left)."""
        roll = self.rng.random() if room > 2500 else 0.0
        if roll < 0.45:
            return self.paragraph()
        if roll < 0.62:
            return self.code_block()
        if roll < 0.75:
            return self.table(max(5, min(60, room // 250)))
        if roll < 0.88:
            return self.definitions()
        return self.bullet_list()

    def permalink(self, anchor: str) -> str:
        return f'<a class="headerlink" href="#{anchor}" title="Permalink to this headline">¶</a>'

    def heading(self, level: int, text: str) -> str:
        anchor = self.w.slug(text)
        return f'<h{level} id="{anchor}">{html.escape(text)}{self.permalink(anchor)}</h{level}>'

    def heading_text(self) -> str:
        if self.rng.random() < 0.4:
            return self.w.identifier()
        return self.w.phrase(2, 5).title() if self.w.language == "en" else self.w.phrase(2, 4)

    def article(self, budget: int) -> str:
        """The title, an introduction, then h2 (and h3) sections until `budget` bytes."""
        draft = Draft()
        draft.add(self.heading(1, self.title))
        draft.add(self.paragraph())
        while draft.size < budget:
            draft.add(self.section(budget - draft.size))
        return draft.text()

    def section(self, room: int) -> str:
        parts = [self.heading(2, self.heading_text())]
        for _ in range(self.rng.randint(2, 6)):
            parts.append(self.block(room - sum(map(len, parts))))
            if self.rng.random() < 0.3:
                parts.append(self.heading(3, self.heading_text()))
        return "\n".join(parts)

    # The page around the article.
    def head(self) -> str:
        return (f"<title>{html.escape(self.title)} — Project documentation</title>\n"
                f'<meta charset="utf-8">\n<link rel="stylesheet" href="../_static/basic.css">\n'
                f'<script src="../_static/doctools.js"></script>\n'
                f"<script>var DOCUMENTATION_OPTIONS = {{VERSION: '{self.rng.randint(1, 9)}.0'}};"
                f"</script>\n<style>.highlight .n {{ color: #333 }}</style>")

    def navigation(self, depth: int = 4) -> str:
        """A nested table of contents, as sidebars have it."""
        if depth == 0:
            return ""
        items = []
        for _ in range(self.rng.randint(2, 5)):
            text = html.escape(self.w.phrase(1, 3))
            items.append(f'<li class="toctree-l{5 - depth}"><a class="reference internal" '
                         f'href="{self.w.slug(text)}.html">{text}</a>'
                         f"{self.navigation(depth - 1) if self.rng.random() < 0.4 else ''}</li>")
        return f"<ul>{''.join(items)}</ul>"

    def page(self, size: int) -> str:
        """The whole page, about `size` bytes in UTF-8 (the chrome is rendered once)."""
        chrome = self.render(ARTICLE_MARK)
        room = size - len(chrome.encode("utf-8")) + len(ARTICLE_MARK)
        return chrome.replace(ARTICLE_MARK, self.article(max(1500, room)))

    def render(self, article: str) -> str:
        raise NotImplementedError

    def document(self, body: str, lang: str = "en", head_extra: str = "") -> str:
        xmlns = ' xmlns="http://www.w3.org/1999/xhtml"' if "XHTML" in self.doctype else ""
        return (f"{self.doctype}\n<html{xmlns} lang=\"{lang}\">\n<head>\n{head_extra}"
                f"{self.head()}\n</head>\n<body>\n{body}\n</body>\n</html>\n")


class Sphinx(Generator):
    doctype = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
               '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')

    def inline(self, name: str) -> str:
        return (f'<code class="docutils literal notranslate"><span class="pre">'
                f"{html.escape(name)}</span></code>")

    def article(self, budget: int) -> str:
        number = self.rng.randint(1, 12)
        draft = Draft()
        draft.add(f'<div class="section" id="{self.anchor}"><h1><span class="section-number">'
                  f"{number}. </span>{html.escape(self.title)}{self.permalink(self.anchor)}</h1>")
        draft.add(self.paragraph())
        while draft.size < budget:
            draft.add(self.section(budget - draft.size))
        draft.add("</div>")
        return draft.text()

    def section(self, room: int) -> str:
        text = self.heading_text()
        anchor = self.w.slug(text)
        parts = [f'<div class="section" id="{anchor}"><h2>{html.escape(text)}'
                 f"{self.permalink(anchor)}</h2>"]
        for _ in range(self.rng.randint(2, 6)):
            parts.append(self.block(room - sum(map(len, parts))))
        if self.rng.random() < 0.5 and room > 3000:
            sub = self.heading_text()
            parts.append(f'<div class="section" id="{self.w.slug(sub)}"><h3>{html.escape(sub)}'
                         f"{self.permalink(self.w.slug(sub))}</h3>{self.block(room // 2)}"
                         f"{self.api_entry()}</div>")
        parts.append("</div>")
        return "\n".join(parts)

    def api_entry(self) -> str:
        name = self.w.identifier()
        anchor = html.escape(name)
        params = ", ".join(f"<em>{self.w.word()}</em>" for _ in range(self.rng.randint(0, 4)))
        return (f'<dl class="py function"><dt class="sig sig-object py" id="{anchor}">'
                f'<span class="sig-name descname"><span class="pre">{anchor}</span></span>'
                f'<span class="sig-paren">(</span>{params}<span class="sig-paren">)</span>'
                f'<a class="headerlink" href="#{anchor}" title="Permalink to this definition">'
                f"¶</a></dt><dd>{self.paragraph()}{self.paragraph()}</dd></dl>")

    def code_block(self) -> str:
        return f'<div class="highlight-python3 notranslate">{super().code_block()}</div>'

    def related(self) -> str:
        return ('<div class="related" role="navigation" aria-label="related navigation">'
                '<h3>Navigation</h3><ul><li class="right"><a href="../genindex.html" '
                'title="General Index" accesskey="I">index</a></li><li class="right">'
                '<a href="../py-modindex.html">modules</a> |</li><li><a href="../index.html">'
                f"Project {self.rng.randint(1, 4)}.{self.rng.randint(0, 12)} documentation</a>"
                " &#187;</li></ul></div>")

    def render(self, article: str) -> str:
        body = (f"{self.related()}\n<div class=\"document\"><div class=\"documentwrapper\">"
                f'<div class="bodywrapper"><div class="body" role="main">\n{article}\n'
                f'</div></div></div>\n<div class="sphinxsidebar" role="navigation" '
                f'aria-label="main navigation"><div class="sphinxsidebarwrapper">'
                f"<h3>Table of Contents</h3>{self.navigation()}"
                f'<div id="searchbox" role="search"><h3>Quick search</h3><form class="search" '
                f'action="../search.html" method="get"><input type="text" name="q" />'
                f'<input type="submit" value="Go" /></form></div></div></div>'
                f'<div class="clearer"></div></div>\n{self.related()}\n<div class="footer">'
                f"&#169; Copyright 2001-2026, the authors. Created using a generator.</div>")
        return self.document(body, head_extra='<meta http-equiv="Content-Type" '
                                              'content="text/html; charset=utf-8" />\n')


class MkDocs(Generator):
    def permalink(self, anchor: str) -> str:
        mark = "&para;" if self.rng.random() < 0.7 else "#"
        return f'<a class="headerlink" href="#{anchor}" title="Permanent link">{mark}</a>'

    def table(self, most_rows: int = 60) -> str:
        return ('<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
                f"{super().table(most_rows)}</div></div>")

    def render(self, article: str) -> str:
        body = (f'<div class="md-container"><header class="md-header" data-md-component="header">'
                f'<nav class="md-header__inner md-grid" aria-label="Header"><a href="." '
                f'class="md-header__button md-logo">Project</a>'
                f'<div class="md-search" role="dialog">'
                f'<form class="md-search__form" name="search"><input type="text" '
                f'class="md-search__input" name="query" placeholder="Search"></form></div></nav>'
                f'</header><main class="md-main" data-md-component="main">'
                f'<div class="md-main__inner md-grid"><div class="md-sidebar md-sidebar--primary">'
                f'<nav class="md-nav md-nav--primary">{self.navigation()}</nav></div>'
                f'<div class="md-sidebar md-sidebar--secondary">'
                f'<nav class="md-nav md-nav--secondary" aria-label="Table of contents">'
                f"{self.navigation(2)}</nav></div>"
                f'<div class="md-content" data-md-component="content">'
                f'<article class="md-content__inner md-typeset">\n{article}\n</article></div></div>'
                f'</main><footer class="md-footer"><div class="md-copyright">Made with a static '
                f"site generator</div></footer></div>"
                f'<script src="assets/javascripts/bundle.js"></script>')
        return self.document(body)


class Doxygen(Generator):
    doctype = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
               '"https://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')
    xml_declaration = True

    def permalink(self, anchor: str) -> str:
        return f'<a class="anchor" id="{anchor}"></a>'

    def heading(self, level: int, text: str) -> str:
        anchor = self.w.slug(text)
        if level == 1:
            return f'<div class="title">{html.escape(text)}</div>'
        return (f'<h{level} class="memtitle"><span class="permalink"><a href="#{anchor}">'
                f"&#9670;&#160;</a></span>{html.escape(text)}</h{level}>")

    def section(self, room: int) -> str:
        """Member documentation: a heading, then nested divs around its text and table."""
        name = self.w.identifier()
        return (f'{self.permalink(self.w.slug(name))}\n{self.heading(2, name + "()")}\n'
                f'<div class="memitem"><div class="memproto"><table class="memname"><tr>'
                f'<td class="memname">{html.escape(self.w.identifier())} {html.escape(name)}</td>'
                f'<td>(</td><td class="paramtype">{html.escape(self.w.word())}&#160;</td>'
                f'<td class="paramname"><em>{html.escape(self.w.word())}</em></td><td>)</td>'
                f'</tr></table></div><div class="memdoc">{self.paragraph()}{self.block(room)}'
                f"{self.block(room // 2)}</div></div>")

    def render(self, article: str) -> str:
        body = (f'<div id="top"><div id="titlearea"><table cellspacing="0" cellpadding="0">'
                f'<tbody><tr><td id="projectalign"><div id="projectname">Project</div>'
                f'</td></tr></tbody></table></div><div id="main-nav"><ul id="main-menu">'
                f'<li><a href="index.html">Main Page</a></li><li><a href="annotated.html">'
                f'Classes</a></li></ul></div><div id="nav-path" class="navpath">'
                f"{self.navigation(2)}</div></div>\n"
                f'<div class="header"><div class="headertitle">{self.heading(1, self.title)}'
                f'</div></div>\n<div class="contents"><div class="textblock">'
                f"{self.paragraph()}</div>{self.member_table()}\n{article}\n</div>\n"
                f'<hr class="footer"/><address class="footer"><small>Generated by a generator'
                f"</small></address>")
        return self.document(body)

    def article(self, budget: int) -> str:
        draft = Draft()
        draft.add('<h2 class="groupheader">Member Function Documentation</h2>')
        while draft.size < budget:
            draft.add(self.section(budget - draft.size))
        return draft.text()

    def member_table(self) -> str:
        rows = "".join(
            f'<tr class="memitem:{self.rng.randrange(16**8):08x}"><td class="memItemLeft" '
            f'align="right" valign="top">{html.escape(self.w.word())}&#160;</td>'
            f'<td class="memItemRight" valign="bottom"><a class="el" href="#a1">'
            f"{html.escape(self.w.identifier())}</a> ()</td></tr>"
            for _ in range(self.rng.randint(5, 30)))
        return (f'<table class="memberdecls"><tr class="heading"><td colspan="2">'
                f'<h2 class="groupheader"><a id="pub-methods" name="pub-methods"></a>'
                f"Public Member Functions</h2></td></tr>{rows}</table>")

    def head(self) -> str:
        return (f"<title>Project: {html.escape(self.title)} Class Reference</title>\n"
                f'<meta http-equiv="Content-Type" content="text/xhtml;charset=UTF-8"/>\n'
                f'<script type="text/javascript" src="jquery.js"></script>')


class Httpd(Generator):
    """Module reference pages, also in Korean and Japanese in their own encodings."""

    doctype = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
               '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">')
    xml_declaration = True
    ENCODINGS: ClassVar[dict[str, str]] = {"en": "UTF-8", "ko": "EUC-KR", "ja": "Shift_JIS"}

    def __init__(self, words: Words, title: str) -> None:
        super().__init__(words, title)
        self.encoding = self.ENCODINGS[words.language]
        if words.language == "ja" and self.rng.random() < 0.5:
            self.encoding = "EUC-JP"

    def permalink(self, anchor: str) -> str:
        return ""

    def heading(self, level: int, text: str) -> str:
        anchor = self.w.slug(text)
        if level == 1:
            return f"<h1>{html.escape(text)}</h1>"
        return f'<h{level}><a name="{anchor}" id="{anchor}">{html.escape(text)}</a></h{level}>'

    def section(self, room: int) -> str:
        directive = self.w.identifier().replace("_", "").capitalize()
        rows = "".join(
            f'<tr><th><a href="directive-dict.html#{key}">{key}:</a></th>'
            f"<td>{html.escape(self.w.phrase(1, 6))}</td></tr>"
            for key in ("Description", "Syntax", "Default", "Context", "Status", "Module"))
        return (f'<div class="top"><a href="#page-header"><img alt="top" src="../images/up.gif" '
                f'/></a></div>\n<div class="directive-section">'
                f"{self.heading(2, directive + ' Directive')}"
                f'<table class="directive">{rows}</table>{self.paragraph()}{self.block(room)}'
                f"{self.block(room // 2)}</div>")

    def render(self, article: str) -> str:
        languages = " ".join(f'<a href="{self.anchor}.html.{lang}" hreflang="{lang}">'
                             f"&nbsp;{lang}&nbsp;</a>" for lang in ("en", "ja", "ko", "fr"))
        body = (f'<div id="page-header"><p class="menu"><a href="../mod/">Modules</a> | '
                f'<a href="../mod/directives.html">Directives</a> | <a href="../faq/">FAQ</a>'
                f'</p><p class="apache">Web Server Version 2.4</p></div>\n'
                f'<div id="path"><a href="../">Version 2.4</a> &gt; <a href="./">Modules</a>'
                f'</div>\n<div id="page-content"><div id="preamble">{article}\n</div>'
                f'<div id="quickview"><h3 class="directives">Directives</h3>'
                f"{self.navigation(1)}</div></div>\n"
                f'<div class="bottomlang"><p><span>Available Languages: </span>{languages}</p>'
                f'</div><div id="footer"><p class="apache">Copyright 2026 the authors.</p>'
                f'<p class="menu"><a href="../mod/">Modules</a></p></div>')
        return self.document(body, lang=self.w.language, head_extra=(
            f'<meta content="text/html; charset={self.encoding}" http-equiv="Content-Type" />\n'))

    def head(self) -> str:
        return (f"<title>{html.escape(self.title)} - Web Server Version 2.4</title>\n"
                '<link href="../style/css/manual.css" rel="stylesheet" media="all" '
                'type="text/css" title="Main stylesheet" />')


class Rustdoc(Generator):
    def permalink(self, anchor: str) -> str:
        if self.rng.random() < 0.5:
            return f'<a href="#{anchor}" class="anchor">§</a>'
        return f'<a href="#{anchor}">#</a>'

    def render(self, article: str) -> str:
        body = (f'<nav class="sidebar"><div class="sidebar-crate"><h2><a href="../index.html">'
                f'crate</a></h2></div><div class="sidebar-elems">{self.navigation(3)}</div></nav>'
                f'<div class="sidebar-resizer"></div><main><div class="width-limiter">'
                f'<rustdoc-search></rustdoc-search><section id="main-content" class="content">'
                f"\n{article}\n</section></div></main>")
        return self.document(body)


GENERATORS: dict[str, type[Generator]] = {
    "sphinx": Sphinx, "mkdocs": MkDocs, "doxygen": Doxygen, "httpd": Httpd, "rustdoc": Rustdoc,
}


def page_size(corpus: Corpus, index: int, rng: random.Random) -> int:
    """Bytes for page `index`: the largest size for the first `full_size` pages, otherwise
    log-uniform between the corpus's smallest and largest (many small pages, a few big)."""
    if index < corpus.full_size:
        return corpus.largest
    low, high = math.log(corpus.smallest), math.log(corpus.largest)
    return int(math.exp(rng.uniform(low, high)))


def title_for(words: Words, kind: str, index: int) -> str:
    if kind == "httpd":
        return f"mod_{words.word()}{index}" if words.language == "en" else \
            f"mod_{words.word()}{index} {words.phrase(1, 2)}"
    if kind == "doxygen":
        return f"{words.word().capitalize()}{words.word().capitalize()}{index}"
    if kind == "rustdoc":
        return f"{words.word()}::{words.word()}{index}"
    return f"{words.phrase(2, 4).title()} {index}"


def generate_page(corpus: Corpus, index: int) -> tuple[str, bytes]:
    """Page number `index` of a corpus: (relative path, the file's bytes)."""
    rng = random.Random(f"{SEED}-{corpus.name}-{index}")
    kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
    language = rng.choice(("en", "ko", "ja")) if kind == "httpd" else "en"
    words = Words(rng, vocabulary(), language)
    generator = GENERATORS[kind](words, title_for(words, kind, index))
    text = generator.page(page_size(corpus, index, rng))
    encoding = getattr(generator, "encoding", "UTF-8")
    if generator.xml_declaration:
        text = f'<?xml version="1.0" encoding="{encoding}"?>\n{text}'
    data = text.encode(encoding, "xmlcharrefreplace")
    slug = re.sub(r"[^a-z0-9]+", "-", generator.title.lower()).strip("-")
    return f"{kind}/{slug}.html", data


def corpus_dir(corpus: Corpus) -> Path:
    return CACHE_ROOT / f"realistic-v{GENERATOR_VERSION}-{inputs_hash()}-{corpus.name}"


def ensure_corpus(name: str, log=print) -> Path:
    """The cached corpus `name`, generated first when it is not there yet."""
    corpus = CORPORA[name]
    folder = corpus_dir(corpus)
    if (folder / META_FILE).exists():
        return folder
    building = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    log(f"generating the realistic corpus {name!r} ({corpus.pages} pages) in {folder} ...")
    started = time.perf_counter()
    sizes, kinds = [], Counter()
    for index in range(corpus.pages):
        relative, data = generate_page(corpus, index)
        path = building / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        sizes.append(len(data))
        kinds[relative.split("/")[0]] += 1
    meta = {"version": GENERATOR_VERSION, "corpus": name, "pages": corpus.pages,
            "bytes": sum(sizes), "largest": max(sizes), "smallest": min(sizes),
            "kinds": dict(kinds), "seconds": round(time.perf_counter() - started, 2)}
    (building / META_FILE).write_text(json.dumps(meta), "utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.rename(building, folder)
    log(f"generated {corpus.pages} pages ({sum(sizes) / 1e6:.1f} MB) in {meta['seconds']}s")
    return folder


def load_meta(folder: Path) -> dict:
    return json.loads((folder / META_FILE).read_text("utf-8"))


def one_page(size: int, kind: str = "sphinx", seed: int = 0) -> bytes:
    """A single page of about `size` bytes (for tests and profiling)."""
    rng = random.Random(f"{SEED}-one-{kind}-{seed}")
    words = Words(rng, vocabulary())
    generator = GENERATORS[kind](words, title_for(words, kind, seed))
    return generator.page(size).encode("utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="mix")
    parser.add_argument("--page", type=int, help="print one page of about this many bytes")
    parser.add_argument("--kind", choices=sorted(GENERATORS), default="sphinx")
    args = parser.parse_args()
    if args.page:
        sys.stdout.buffer.write(one_page(args.page, args.kind))
        return 0
    print(ensure_corpus(args.corpus, log=lambda m: print(m, file=sys.stderr)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
