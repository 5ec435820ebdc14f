"""Pages shaped like generated software documentation, for the parsing tests: chrome
around the text (no <article>), permalink marks, tables, code, definitions, a Sources
section, and sections nested one inside the other, so the page gets deeper as it grows."""

from __future__ import annotations

CHROME = """<div class="related" role="navigation"><ul><li><a href="/genindex">index</a></li>
<li><a href="/modules">modules</a> |</li></ul></div>
<div class="sphinxsidebar" id="sidebar"><h3>Table of contents</h3><ul><li><a href="#a">A</a>
<ul><li><a href="#b">B</a><ul><li><a href="#c">C</a></li></ul></li></ul></li></ul>
<form class="search"><input name="q"></form></div>"""


def section(n: int) -> str:
    """One nested section: left open, so the next one is inside it."""
    return f"""<div class="section" id="part-{n}">
<h2>Part {n}: mod_part{n}<a class="headerlink" href="#part-{n}" title="Permalink">¶</a></h2>
<p>Paragraph {n} explains <code class="docutils literal"><span class="pre">call_{n}()</span>
</code> and links to <a href="/ref/{n}">the reference</a>. It has plain words in it.</p>
<dl class="py function"><dt id="call_{n}"><span class="sig-name">call_{n}</span>
<span class="sig-paren">(</span><em>value</em><span class="sig-paren">)</span>
<a class="headerlink" href="#call_{n}">¶</a></dt><dd><p>Returns value {n}.</p></dd></dl>
<table class="docutils"><tr><th>name</th><th>meaning</th></tr>
<tr><td>alpha_{n}</td><td>first</td></tr><tr><td>beta_{n}</td><td>second</td></tr></table>
<div class="highlight"><pre><span class="n">x</span> <span class="o">=</span>
<span class="n">call_{n}</span><span class="p">(</span><span class="mi">{n}</span>
<span class="p">)</span><!-- a comment --></pre></div>
<h3>Notes on {n} <a href="#notes-{n}">#</a></h3>
<ul><li>one <script>var x = {n};</script>item</li><li>two <ruby>字<rt>ji</rt></ruby></li></ul>
"""


def doc_page(scale: int, sections_per_scale: int = 8) -> str:
    """A page of `scale` times the base size; its nesting depth grows with it."""
    count = scale * sections_per_scale
    body = "".join(section(n) for n in range(count))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "x.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Data Structures ¶ | Project</title>
<meta name="description" content="Reference."><script>var a = 1;</script></head><body>
{CHROME}<div class="document"><div class="body" role="main">
<h1>5. Data Structures<a class="headerlink" href="#top" title="Permalink">¶</a></h1>
<p>The opening paragraph of the page, with enough words to be a page of its own.</p>
{body}{"</div>" * count}
<h2 id="sources">Sources</h2><ul><li><a href="https://example.org/a">Example: A</a></li></ul>
</div></div><div class="footer">© Copyright. Created with a generator.</div></body></html>
"""
