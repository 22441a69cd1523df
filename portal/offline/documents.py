"""Turning a session into files: inlined images for the HTML copy, and the PDF's stylesheet
(the PDF itself is made by `portal.learning.pdf.render_pdf`)."""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path

from flask import current_app
from markupsafe import Markup

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ATTR = re.compile(r'\b(src|alt)="([^"]*)"', re.I)
MAX_IMAGE_BYTES = 40_000

PDF_CSS = """
@page { size: A4; margin: 2cm 1.8cm; @bottom-center { content: counter(page); font-size: 9pt; } }
body { font-family: sans-serif; font-size: 10.5pt; line-height: 1.45; color: #111; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 1.2em; } h3 { font-size: 11.5pt; }
.reading { break-before: page; }
a { color: #111; }
"""


def inline_images(html: str) -> Markup:
    """Images of our own static folder become data: URIs; any other image becomes its text.

    The offline copy must not reach for the network, and a far-away image would be a tracker.
    """

    def replace(match: re.Match) -> str:
        attrs = {name.lower(): value for name, value in _ATTR.findall(match.group(0))}
        src, alt = attrs.get("src", ""), attrs.get("alt", "")
        data = _static_bytes(src)
        if data is None:
            return f"[{alt}]" if alt else ""
        mime = mimetypes.guess_type(src)[0] or "application/octet-stream"
        encoded = base64.b64encode(data).decode()
        return f'<img src="data:{mime};base64,{encoded}" alt="{alt}">'

    return Markup(_IMG.sub(replace, str(html)))


def _static_bytes(src: str) -> bytes | None:
    prefix = (current_app.static_url_path or "/static") + "/"
    if not src.startswith(prefix):
        return None
    root = Path(current_app.static_folder).resolve()
    path = (root / src[len(prefix) :].split("?")[0]).resolve()
    if root not in path.parents or not path.is_file() or path.stat().st_size > MAX_IMAGE_BYTES:
        return None
    return path.read_bytes()
