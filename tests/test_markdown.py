"""Tests for portal.markdown: Markdown rendering and its XSS defences."""

from __future__ import annotations

import html
import random
import re
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import Markup, escape

sys.path.insert(0, str(Path(__file__).resolve().parent))

from xss_corpus import HOSTILE_INPUTS  # noqa: E402

from portal.markdown import (  # noqa: E402
    _sanitize,
    is_allowed_image_src,
    is_safe_url,
    reading_minutes,
    render_markdown,
    render_plain,
)

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
}
SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):")


class _Collector(HTMLParser):
    """Collect every tag, attribute, comment and declaration in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.oddities: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.oddities.append(f"comment:{data}")

    def handle_decl(self, decl: str) -> None:
        self.oddities.append(f"decl:{decl}")

    def handle_pi(self, data: str) -> None:
        self.oddities.append(f"pi:{data}")

    def unknown_decl(self, data: str) -> None:
        self.oddities.append(f"unknown:{data}")


def _parse(fragment: str) -> _Collector:
    """Parse an HTML fragment with html.parser."""
    collector = _Collector()
    collector.feed(fragment)
    collector.close()
    return collector


def _compact(value: str) -> str:
    """Strip whitespace and control/format characters and lowercase, as a browser might."""
    return "".join(
        ch
        for ch in value
        if not (ch.isspace() or ord(ch) <= 0x20 or unicodedata.category(ch) in {"Cc", "Cf"})
    ).lower()


def _url_problem(value: str) -> str | None:
    """Return why a URL value is unsafe, or None when it is http/https/mailto/relative."""
    # html.parser already unescaped once; unescape again to be stricter than a browser.
    for form in (value, html.unescape(value)):
        compact = _compact(form)
        match = SCHEME_RE.match(compact)
        if match and match.group(1) not in SAFE_SCHEMES:
            return f"scheme {match.group(1)!r} in {value!r}"
        if not match and ":" in re.split(r"[/?#]", compact, maxsplit=1)[0]:
            return f"scheme-like prefix in {value!r}"
    return None


def assert_safe_html(fragment: str) -> None:
    """Fail when a rendered fragment contains anything outside the allowed policy."""
    parsed = _parse(fragment)
    assert not parsed.oddities, parsed.oddities
    for tag, attrs in parsed.tags:
        assert tag in ALLOWED_TAGS, f"disallowed tag <{tag}> in {fragment[:300]!r}"
        for name, value in attrs:
            lowered = name.lower()
            assert not lowered.startswith(("on", "hx-", "data-")), f"attribute {name!r}"
            assert lowered != "style", "style attribute"
            if lowered in {"href", "src"}:
                problem = _url_problem(value or "")
                assert problem is None, problem
            if tag == "img" and lowered == "src":
                src = value or ""
                assert src.startswith(("/static/", "/media/")), f"foreign image {src!r}"
                assert not src.startswith("//")
    lowered_fragment = fragment.lower()
    for needle in ("<script", "<iframe", "<svg", "<math", "<style", "<form", "<!--"):
        assert needle not in lowered_fragment, needle


def _text_of(fragment: str) -> str:
    """Return the visible text of a fragment."""
    return "".join(_parse(fragment).text)


# --- ordinary Markdown -------------------------------------------------------------


def test_returns_markup() -> None:
    """render_markdown returns Markup so Jinja does not escape it again."""
    out = render_markdown("hello")
    assert isinstance(out, Markup)
    assert out == Markup("<p>hello</p>\n")


def test_empty_input() -> None:
    """Empty input renders to empty Markup and empty text."""
    assert render_markdown("") == Markup("")
    assert render_plain("") == ""
    assert reading_minutes("") == 1


def test_headings_h1_becomes_h2() -> None:
    """An h1 in input is demoted to h2; other levels are unchanged."""
    out = render_markdown("# One\n\n## Two\n\n### Three\n\n###### Six\n\nSetext\n======\n")
    assert "<h1" not in out
    assert "<h2>One</h2>" in out
    assert "<h2>Two</h2>" in out
    assert "<h3>Three</h3>" in out
    assert "<h6>Six</h6>" in out
    assert "<h2>Setext</h2>" in out


def test_emphasis_strong_strike_code() -> None:
    """Inline formatting renders with the allowed tags."""
    out = render_markdown("*em* **strong** ~~gone~~ `x < y`")
    assert "<em>em</em>" in out
    assert "<strong>strong</strong>" in out
    assert "<del>gone</del>" in out
    assert "<s>" not in out
    assert "<code>x &lt; y</code>" in out


def test_lists() -> None:
    """Bulleted and ordered lists render, including a start number."""
    out = render_markdown("- a\n- b\n\n3. c\n4. d\n")
    assert "<ul>\n<li>a</li>\n<li>b</li>\n</ul>" in out
    assert '<ol start="3">' in out
    assert "<li>c</li>" in out


def test_blockquote_hr_and_breaks() -> None:
    """Blockquotes, rules and hard line breaks render."""
    out = render_markdown("> quoted\n\n---\n\nline one  \nline two")
    assert "<blockquote>" in out
    assert "<hr>" in out
    assert "<br>" in out


def test_fenced_code_keeps_language_class_and_escapes() -> None:
    """Fenced code is escaped and keeps a sane language class only."""
    out = render_markdown('```python\nprint("<b>")\n```\n')
    assert '<pre><code class="language-python">print("&lt;b&gt;")\n</code></pre>' in out
    weird = render_markdown('```"><b onclick=x>\ncode\n```\n')
    assert "class" not in weird
    assert "<pre><code>code\n</code></pre>" in weird


def test_links_get_rel_and_no_target() -> None:
    """Links keep href and title, gain rel=nofollow noopener and never a target."""
    out = render_markdown('[site](https://ok.example/a?b=1&c=2 "Title") [rel](/courses/1)')
    assert (
        '<a href="https://ok.example/a?b=1&amp;c=2" title="Title" rel="nofollow noopener">'
        "site</a>" in out
    )
    assert '<a href="/courses/1" rel="nofollow noopener">rel</a>' in out
    assert "target" not in out


def test_mailto_and_autolinks() -> None:
    """mailto links and CommonMark autolinks are kept."""
    out = render_markdown("[mail](mailto:a@example.org) <https://ok.example> <b@example.org>")
    assert 'href="mailto:a@example.org"' in out
    assert 'href="https://ok.example"' in out
    assert 'href="mailto:b@example.org"' in out


def test_reference_links() -> None:
    """Reference-style links with safe targets render."""
    out = render_markdown("[text][ref]\n\n[ref]: https://ok.example/ref\n")
    assert '<a href="https://ok.example/ref" rel="nofollow noopener">text</a>' in out


def test_tables_without_style() -> None:
    """Tables render with thead/tbody and alignment does not leak a style attribute."""
    out = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |\n")
    assert "<table>" in out
    assert "<thead>" in out
    assert "<tbody>" in out
    assert "<th>a</th>" in out
    assert "<td>2</td>" in out
    assert "style" not in out
    assert "align" not in out


def test_local_images_kept() -> None:
    """Images under /static/ and /media/ are kept with their alt text."""
    out = render_markdown('![A chart](/static/img/chart.png "Chart") ![B](/media/u/1.jpg)')
    assert '<img src="/static/img/chart.png" alt="A chart" title="Chart">' in out
    assert '<img src="/media/u/1.jpg" alt="B">' in out


@pytest.mark.parametrize(
    "src",
    [
        "https://evil.example/t.png",
        "http://evil.example/t.png",
        "//evil.example/t.png",
        "/\\evil.example/t.png",
        "/images/t.png",
        "static/t.png",
        "/static/../admin/delete",
        "/media/%2e%2e/logout",
        "/staticx/t.png",
        "data:image/png;base64,AAAA",
    ],
)
def test_foreign_images_become_alt_text(src: str) -> None:
    """Any other image source is replaced by its alt text, without a link."""
    out = render_markdown(f"before ![the *alt*]({src}) after")
    assert "<img" not in out
    assert "<a" not in out
    assert "the alt" in _text_of(out) or "![" in out
    assert "before" in out and "after" in out


def test_allow_images_false() -> None:
    """allow_images=False turns even local images into alt text."""
    out = render_markdown("![Local](/static/a.png)", allow_images=False)
    assert out == Markup("<p>Local</p>\n")


def test_raw_html_is_escaped() -> None:
    """Raw HTML typed in Markdown is shown as text, not interpreted."""
    out = render_markdown("Hi <b>there</b>\n\n<div onclick=x>block</div>")
    assert "&lt;b&gt;there&lt;/b&gt;" in out
    assert "<div" not in out
    assert "<b>" not in out


def test_entities_and_ampersands() -> None:
    """Entities render once and bare ampersands are escaped."""
    out = render_markdown("Tom &amp; Jerry & co &copy;")
    assert "Tom &amp; Jerry &amp; co ©" in out


@pytest.mark.parametrize("text", ["{{7*7}}", "{% raw %}", "{{ config }}", "{% endraw %}"])
def test_template_syntax_is_literal(text: str) -> None:
    """Template syntax comes out literally and is not evaluated."""
    out = render_markdown(text)
    assert out == Markup(f"<p>{escape(text)}</p>\n")
    assert "49" not in out


def test_markup_input_is_not_trusted() -> None:
    """A Markup object passed in is still treated as Markdown source, not trusted HTML."""
    out = render_markdown(Markup("<script>alert(1)</script>"))
    assert "<script" not in out


# --- URL helpers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://ok.example",
        "http://ok.example/x",
        "mailto:a@example.org",
        "/relative",
        "relative/path",
        "#frag",
        "?q=1",
        "//ok.example/x",
        "/path?a=b:c",
    ],
)
def test_is_safe_url_accepts(url: str) -> None:
    """Relative and http/https/mailto URLs are accepted."""
    assert is_safe_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\x01javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "java\u200bscript:alert(1)",
        "&#106;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "data:text/html,x",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "%6Aavascript:alert(1)",
        "tel:123",
    ],
)
def test_is_safe_url_rejects(url: str) -> None:
    """Other schemes, including obfuscated ones, are rejected."""
    assert not is_safe_url(url)


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("/static/a.png", True),
        ("/media/x/y.jpg?v=2", True),
        ("/static/../x", False),
        ("/media/%2E%2E/x", False),
        ("/static/a\\b.png", False),
        ("/static/a b.png", False),
        ("//static/a.png", False),
        ("https://host/static/a.png", False),
        ("", False),
    ],
)
def test_is_allowed_image_src(src: str, expected: bool) -> None:
    """Only same-host /static/ and /media/ paths are allowed image sources."""
    assert is_allowed_image_src(src) is expected


# --- hostile corpus ----------------------------------------------------------------


def test_corpus_size() -> None:
    """The shared corpus is large enough and holds only strings."""
    assert len(HOSTILE_INPUTS) >= 70
    assert all(isinstance(item, str) for item in HOSTILE_INPUTS)


@pytest.mark.parametrize("allow_images", [True, False])
@pytest.mark.parametrize("hostile", HOSTILE_INPUTS, ids=range(len(HOSTILE_INPUTS)))
def test_hostile_input_renders_safely(hostile: str, allow_images: bool) -> None:
    """Every hostile input renders without raising and yields only allowed HTML."""
    out = render_markdown(hostile, allow_images=allow_images)
    assert isinstance(out, Markup)
    assert_safe_html(str(out))
    if not allow_images:
        assert "<img" not in out


@pytest.mark.parametrize("hostile", HOSTILE_INPUTS, ids=range(len(HOSTILE_INPUTS)))
def test_hostile_input_keeps_surrounding_text(hostile: str) -> None:
    """Safe paragraphs around a hostile block survive rendering."""
    out = render_markdown(f"Safe opening words.\n\n{hostile}\n\nSafe closing words.")
    assert_safe_html(str(out))
    text = _text_of(str(out))
    assert "Safe opening words." in text
    if "- - - - - - - - - - - - - - - - - - - - -" not in hostile:
        # markdown-it drops the rest of a document once lists nest past maxNesting (20).
        assert "Safe closing words." in text


@pytest.mark.parametrize("hostile", HOSTILE_INPUTS, ids=range(len(HOSTILE_INPUTS)))
def test_hostile_input_sanitizer_alone(hostile: str) -> None:
    """Defence in depth: the nh3 stage alone also neutralises raw hostile HTML."""
    assert_safe_html(_sanitize(hostile, allow_images=True))
    assert_safe_html(_sanitize(hostile, allow_images=False))


@pytest.mark.parametrize("hostile", HOSTILE_INPUTS, ids=range(len(HOSTILE_INPUTS)))
def test_hostile_input_plain_text(hostile: str) -> None:
    """render_plain and reading_minutes never raise on hostile input."""
    plain = render_plain(hostile)
    assert isinstance(plain, str)
    assert "  " not in plain and "\n" not in plain
    assert reading_minutes(hostile) >= 1


def test_hostile_inline_keeps_neighbours() -> None:
    """Hostile inline fragments do not swallow the text next to them."""
    out = render_markdown("Hello <script>alert(1)</script> [x](javascript:alert(1)) world")
    assert_safe_html(str(out))
    text = _text_of(str(out))
    assert text.startswith("Hello ")
    assert text.strip().endswith("world")


def test_random_combinations_of_hostile_fragments() -> None:
    """Random concatenations of short corpus items still render safely."""
    short = [item for item in HOSTILE_INPUTS if len(item) < 300]
    rng = random.Random(20240601)
    separators = ["", " ", "\n", "\n\n", "> ", "- ", "| ", "`", "[", "](", "![", "\n    "]
    for _ in range(300):
        pieces = [rng.choice(short) for _ in range(rng.randint(2, 4))]
        text = "".join(rng.choice(separators) + piece for piece in pieces)
        assert_safe_html(str(render_markdown(text)))


def test_safe_link_inside_hostile_context() -> None:
    """A link title cannot break out into an event-handler attribute."""
    out = render_markdown('[a](https://ok.example "x&quot; onmouseover=&quot;alert(1)")')
    assert_safe_html(str(out))
    parsed = _parse(str(out))
    assert [name for name, _ in parsed.tags[1][1]] == ["href", "title", "rel"]


# --- plain text and reading time ---------------------------------------------------


def test_render_plain_strips_markup() -> None:
    """render_plain drops markup, keeps text and collapses whitespace."""
    source = (
        "# Title\n\nSome **bold** and [a link](https://ok.example).\n\n"
        "- one\n- two\n\n![Alt text](/static/a.png)\n\n`code` &amp; <b>raw</b>\n"
    )
    assert render_plain(source) == (
        "Title Some bold and a link. one two Alt text code & <b>raw</b>"
    )


def test_render_plain_table_and_code_block() -> None:
    """Table cells and code blocks are separated by single spaces."""
    assert render_plain("| a | b |\n|---|---|\n| 1 | 2 |") == "a b 1 2"
    assert render_plain("```\nx = 1\ny = 2\n```") == "x = 1 y = 2"


def test_reading_minutes() -> None:
    """Reading time rounds up and is at least one minute."""
    assert reading_minutes("word") == 1
    assert reading_minutes("word " * 180) == 1
    assert reading_minutes("word " * 181) == 2
    assert reading_minutes("word " * 1000, words_per_minute=200) == 5
    assert reading_minutes("**word** " * 360) == 2


def test_reading_minutes_rejects_bad_rate() -> None:
    """A non-positive reading speed is a programming error."""
    with pytest.raises(ValueError):
        reading_minutes("text", words_per_minute=0)


# --- Rendered HTML kept per worker (issue 15: throughput) ------------------------------


def test_a_text_rendered_again_gives_the_same_html_and_the_image_rule_is_kept_apart():
    text = (
        "A *made-up* reading ![a chart](/static/img/chart.png) with [a link](https://example.org)."
    )
    first = render_markdown(text)
    again = render_markdown(text)
    assert again == first and isinstance(again, Markup)
    assert '<img src="/static/img/chart.png" alt="a chart">' in first
    # Without images the same text still loses its image, though it was kept with one.
    without = render_markdown(text, allow_images=False)
    assert "<img" not in without and "a chart" in without
    assert render_markdown(text) == first


def test_the_kept_html_is_bounded_and_the_oldest_text_goes_first():
    from portal.markdown import _RenderedCache

    cache = _RenderedCache(max_chars=100, max_text=60)
    cache.put((True, "a" * 20), Markup("<p>" + "a" * 20 + "</p>"))
    cache.put((True, "b" * 20), Markup("<p>" + "b" * 20 + "</p>"))
    cache.put((True, "c" * 20), Markup("<p>" + "c" * 20 + "</p>"))
    assert cache.get((True, "a" * 20)) is None  # 3 x 47 characters > 100: the oldest went
    assert cache.get((True, "c" * 20)) is not None
    cache.put((True, "d" * 40), Markup("<p>" + "d" * 40 + "</p>"))  # 87 > 60: not kept
    assert cache.get((True, "d" * 40)) is None
