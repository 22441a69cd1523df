"""Texts that admins edit as files in content/site/ (Markdown), shown on the public pages."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from portal.markdown import render_markdown

SITE_DIR = Path(__file__).resolve().parent.parent / "content" / "site"
NAMES = ("programme", "about", "contact")
_cache: dict[str, tuple[float, Markup]] = {}


def site_text(name: str, folder: Path = SITE_DIR) -> Markup:
    """The named text as sanitised HTML, re-read when its file changes; empty if missing."""
    path = folder / f"{name}.md"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return Markup("")
    key = str(path)
    cached = _cache.get(key)
    if cached is None or cached[0] != mtime:
        cached = (mtime, render_markdown(path.read_text(encoding="utf-8"), allow_images=False))
        _cache[key] = cached
    return cached[1]
