"""Turning a session into files: inlined images for the HTML copy, and the PDF."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
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


def render_pdf(html: str) -> bytes:
    """The PDF for this HTML, made once and kept in the instance folder for every worker."""
    from weasyprint import CSS, HTML

    digest = hashlib.sha256((html + PDF_CSS).encode()).hexdigest()[:32]
    folder = Path(current_app.instance_path) / "pdf-cache"
    path = folder / f"session-{digest}.pdf"
    if path.exists():
        return path.read_bytes()
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=PDF_CSS)])
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(pdf)
    partial.replace(path)
    return pdf
