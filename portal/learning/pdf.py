"""PDFs made with WeasyPrint: the curriculum outline, a session's offline copy and the
certificate all come through `render_pdf`."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app


def render_pdf(html: str, css: str, cache_key: str | None = None) -> bytes:
    """The PDF of this HTML with this stylesheet.

    With a `cache_key` (the kind of document, e.g. "curriculum" or "session") the PDF is
    made once and kept in the instance folder for every worker, named by the key and a
    digest of the HTML and the stylesheet, so a changed text makes a new file. Without one
    it is made afresh every time: documents carrying a person's name (certificates) are not
    kept on disk.
    """
    from weasyprint import CSS, HTML

    path = None
    if cache_key is not None:
        digest = hashlib.sha256((html + css).encode()).hexdigest()[:32]
        path = Path(current_app.instance_path) / "pdf-cache" / f"{cache_key}-{digest}.pdf"
        if path.exists():
            return path.read_bytes()
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(string=css)])
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pdf)
        partial.replace(path)  # atomic, so a concurrent reader never sees half a file
    return pdf
