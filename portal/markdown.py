"""Markdown to safe HTML: the single rendering pipeline for user and author text."""

from __future__ import annotations

import html
import math
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "IMAGE_PREFIXES",
    "is_allowed_image_src",
    "is_safe_url",
    "reading_minutes",
    "render_html",
    "render_markdown",
    "render_plain",
]

#: Tags that may appear in rendered output.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
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
)

#: Attributes kept per tag; everything else (style, on*, hx-*, data-*, id, ...) is dropped.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "code": frozenset({"class"}),
    "ol": frozenset({"start"}),
}

#: URL schemes allowed in href/src; scheme-less (relative) URLs are also allowed.
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

#: Local path prefixes an image src must start with to be kept.
IMAGE_PREFIXES: tuple[str, ...] = ("/static/", "/media/")

LINK_REL = "nofollow noopener"

# Tags whose whole content is dropped by nh3 rather than unwrapped into text.
_CLEAN_CONTENT_TAGS = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "noscript",
        "noembed",
        "noframes",
        "template",
        "textarea",
        "title",
        "xmp",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "select",
    }
)

_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_CODE_CLASS_RE = re.compile(r"^language-[A-Za-z0-9_+#.\-]{1,40}$")
_DIGITS_RE = re.compile(r"^[0-9]{1,9}$")
_WHITESPACE_RE = re.compile(r"\s+")


def _strip_invisible(value: str) -> str:
    """Remove whitespace, control and format characters that browsers ignore in URLs."""
    return "".join(
        ch
        for ch in value
        if not (ch.isspace() or ord(ch) <= 0x20 or unicodedata.category(ch) in {"Cc", "Cf"})
    )


def is_safe_url(url: str) -> bool:
    """Return True when url is relative or uses an allowed scheme (http, https, mailto)."""
    # Also judge the entity-decoded form, so a URL stays safe even if decoded twice.
    return _is_safe_url_once(url) and _is_safe_url_once(html.unescape(url))


def _is_safe_url_once(url: str) -> bool:
    """Check a single URL form for an allowed scheme or a plain relative reference."""
    compact = _strip_invisible(url).lower()
    match = _SCHEME_RE.match(compact)
    if match:
        return match.group(1) in ALLOWED_URL_SCHEMES
    # A colon before any path/query/fragment delimiter means something scheme-like that
    # is not a plain relative URL (e.g. "%6aavascript:"); refuse it.
    head = re.split(r"[/?#]", compact, maxsplit=1)[0]
    return ":" not in head


def is_allowed_image_src(src: str) -> bool:
    """Return True when src is a same-host path under /static/ or /media/."""
    if src != src.strip() or _strip_invisible(src) != src:
        return False
    if not src.startswith(IMAGE_PREFIXES):
        return False
    decoded = unquote(html.unescape(src))
    if "\\" in decoded or _strip_invisible(decoded) != decoded:
        return False
    path = re.split(r"[?#]", decoded, maxsplit=1)[0]
    return not any(segment in {".", ".."} for segment in path.split("/"))


def _validate_link(url: str) -> bool:
    """Link validator for markdown-it: only http, https, mailto or relative URLs."""
    return is_safe_url(url)


def _build_parser() -> MarkdownIt:
    """Create the shared markdown-it parser (CommonMark, tables, strikethrough, no HTML)."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


_MD = _build_parser()


def _alt_text(token: Token) -> str:
    """Return the plain alt text of an image token."""
    return _MD.renderer.renderInlineAsText(token.children, _MD.options, {})


def _rewrite_inline(children: list[Token], allow_images: bool) -> list[Token]:
    """Turn disallowed images into text and strikethrough into del."""
    out: list[Token] = []
    for child in children:
        if child.type == "image":
            src = str(child.attrGet("src") or "")
            if not (allow_images and is_allowed_image_src(src)):
                out.append(Token("text", "", 0, content=_alt_text(child)))
                continue
        elif child.type in ("s_open", "s_close"):
            child.tag = "del"
        out.append(child)
    return out


def _parse(text: str, allow_images: bool) -> list[Token]:
    """Parse Markdown and apply the portal's token-level policy."""
    tokens = _MD.parse(text, {})
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
        elif token.type in ("th_open", "td_open"):
            token.attrs = {}
        elif token.type == "inline" and token.children:
            token.children = _rewrite_inline(token.children, allow_images)
    return tokens


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    """nh3 attribute filter: final per-value checks on the few attributes we allow."""
    if attr == "href":
        return value if is_safe_url(value) else None
    if attr == "src":
        return value if tag == "img" and is_allowed_image_src(value) else None
    if attr == "class":
        return value if tag == "code" and _CODE_CLASS_RE.match(value) else None
    if attr == "start":
        return value if _DIGITS_RE.match(value) else None
    return value


#: Presentational tags Markdown never produces that authored HTML questions use.
AUTHORED_HTML_TAGS: frozenset[str] = frozenset({"b", "i", "u"})


def _sanitize(raw_html: str, allow_images: bool, extra_tags: frozenset[str] = frozenset()) -> str:
    """Run rendered HTML through nh3 with the portal allow-lists."""
    tags = set(ALLOWED_TAGS | extra_tags) if allow_images else set(ALLOWED_TAGS - {"img"})
    attributes = {tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items() if tag in tags}
    return nh3.clean(
        raw_html,
        tags=tags,
        clean_content_tags=set(_CLEAN_CONTENT_TAGS),
        attributes=attributes,
        attribute_filter=_attribute_filter,
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=set(ALLOWED_URL_SCHEMES),
    )


class _RenderedCache:
    """The sanitised HTML of recently rendered texts, bounded in characters (LRU).

    The output depends only on the text and allow_images, never on who asks, so one
    process-wide cache is safe to share between people: the same text gives the same HTML.
    Readings, prompts and questions are rendered once per worker instead of once a page.
    """

    def __init__(self, max_chars: int, max_text: int):
        self.max_chars = max_chars
        self.max_text = max_text
        self._entries: OrderedDict[tuple[bool, str], Markup] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[bool, str]) -> Markup | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple[bool, str], value: Markup) -> None:
        size = len(key[1]) + len(value)
        if size > self.max_text:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = value
            self._chars += size
            while self._chars > self.max_chars:
                (_, old_text), old_html = self._entries.popitem(last=False)
                self._chars -= len(old_text) + len(old_html)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._chars = 0


#: About 4 million characters (a few MB) per worker; texts above 200,000 are not kept.
_RENDERED = _RenderedCache(max_chars=4_000_000, max_text=200_000)


def render_markdown(text: str, *, allow_images: bool = True) -> Markup:
    """Render Markdown to sanitised HTML safe to insert into a page."""
    if not text:
        return Markup("")
    key = (allow_images, text)
    cached = _RENDERED.get(key)
    if cached is not None:
        return cached
    tokens = _parse(text, allow_images)
    raw_html = _MD.renderer.render(tokens, _MD.options, {})
    rendered = Markup(_sanitize(raw_html, allow_images))
    _RENDERED.put(key, rendered)
    return rendered


def render_html(raw_html: str) -> Markup:
    """Author-written HTML (a GIFT question in [html] format) through the same allow-lists
    as rendered Markdown."""
    if not raw_html:
        return Markup("")
    return Markup(_sanitize(raw_html, allow_images=True, extra_tags=AUTHORED_HTML_TAGS))


def _iter_text(tokens: Iterable[Token]) -> Iterable[str]:
    """Yield the text pieces of a token stream, separated by spaces at block boundaries."""
    for token in tokens:
        if token.type == "inline" and token.children:
            yield from _iter_text(token.children)
        elif token.type in ("text", "code_inline", "code_block", "fence"):
            yield token.content
        elif token.type == "image":
            yield _alt_text(token)
        elif token.type in ("softbreak", "hardbreak") or (token.nesting != 0 and token.block):
            yield " "


def render_plain(text: str) -> str:
    """Return the Markdown's text content without markup, whitespace collapsed (not HTML-safe)."""
    if not text:
        return ""
    tokens = _parse(text, allow_images=False)
    return _WHITESPACE_RE.sub(" ", "".join(_iter_text(tokens))).strip()


def reading_minutes(text: str, words_per_minute: int = 180) -> int:
    """Return the estimated reading time in whole minutes, at least 1."""
    if words_per_minute <= 0:
        raise ValueError("words_per_minute must be positive")
    words = len(render_plain(text).split())
    return max(1, math.ceil(words / words_per_minute))
