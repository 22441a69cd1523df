"""Response headers, the content security policy and safe redirects."""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

from flask import Flask, request
from flask_login import current_user

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


def is_safe_next(target: str | None) -> bool:
    """True only for a path on this site: no scheme, no host, no backslash tricks."""
    if not target or not target.startswith("/"):
        return False
    if target.startswith("//") or "\\" in target:
        return False
    if any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    """The `next` target when it stays on this site, else the default."""
    return target if is_safe_next(target) else default


def init_security(app: Flask) -> None:
    """Add security headers, no-store for signed-in pages and gzip to every response."""

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.path.startswith("/static/"):
            if not app.debug:
                headers.setdefault("Cache-Control", "public, max-age=604800")
        elif current_user.is_authenticated:
            headers["Cache-Control"] = "no-store"
        else:
            headers.setdefault("Cache-Control", "no-cache")
        _maybe_gzip(response)
        return response


def _maybe_gzip(response) -> None:
    if "gzip" not in request.headers.get("Accept-Encoding", ""):
        return
    if response.status_code < 200 or response.status_code >= 300 or response.is_streamed:
        if not response.direct_passthrough:
            return
    if "Content-Encoding" in response.headers:
        return
    if not (response.mimetype or "").startswith(COMPRESSIBLE):
        return
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < 400:
        return
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
