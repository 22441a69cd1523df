"""Response headers, the content security policy and safe redirects."""

from __future__ import annotations

import gzip
import hashlib
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature
from werkzeug.routing import IntegerConverter

from portal.memo import Memo

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
# The session contents a worker keeps per cookie (see StaticFreeSessionInterface).
_PLAIN = (str, int, float, bool, type(None))
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


# A signed CSRF token is accepted for WTF_CSRF_TIME_LIMIT (the session's lifetime); a
# worker hands a session the token it signed for it during this many seconds.
CSRF_TOKEN_REUSE_SECONDS = 60


def csrf_token() -> str:
    """This request's CSRF token, as Flask-WTF's generate_csrf gives it. generate_csrf
    signs one token a request and keeps it, but every call still reads its two settings
    and `g` again (some fifty calls); a page asks for the token once per form and in the
    layout, so it is kept here for the rest of the request after the first call."""
    token = g.get("portal_csrf_token")
    if token is None:
        token = g.portal_csrf_token = _signed_csrf_token()
    return token


def _signed_csrf_token() -> str:
    """generate_csrf's token, except that a worker keeps the token it signed for a
    session's secret for CSRF_TOKEN_REUSE_SECONDS and hands it out again (signing cost
    about a tenth of the layout). The kept token is keyed by the signing key and the
    session's secret, so another key or session never gets it; it is one Flask-WTF
    accepts for as long as it accepts any (WTF_CSRF_TIME_LIMIT), less at most those
    seconds. A session without a secret yet, or other settings, go to generate_csrf."""
    app = current_app._get_current_object()
    config = app.config
    raw = session.get("csrf_token")
    if type(raw) is not str or config.get("WTF_CSRF_FIELD_NAME", "csrf_token") != "csrf_token":
        return generate_csrf()
    key = (config.get("WTF_CSRF_SECRET_KEY") or app.secret_key, raw)
    kept = app.extensions.get("portal_csrf_tokens")
    if kept is None:
        kept = app.extensions["portal_csrf_tokens"] = Memo(max_entries=4096)
    found = kept.peek(key)
    now = time.time()
    if found is not None and 0 <= now - found[0] < CSRF_TOKEN_REUSE_SECONDS:
        g.csrf_token = found[1]  # where generate_csrf keeps it: forms' token fields read it
        return found[1]
    token = generate_csrf()
    kept.keep(key, (now, token))
    return token


class StaticFreeSessionInterface(SecureCookieSessionInterface):
    """The signed cookie session, except that static files neither set the cookie nor
    vary on it: a versioned asset is the same for everybody, and `Vary: Cookie` made
    browsers re-check cached assets whenever a visitor's session cookie changed."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)

    def open_session(self, app, request):
        """The session the cookie holds, as Flask reads it, with the verified contents of
        a cookie kept per worker: a reader's cookie stays the same from page to page
        until the session changes, and checking its signature and decoding it again was
        about a tenth of what a signed-in page costs before it does anything of its own.

        Only a cookie whose signature was checked is kept, keyed by its exact text and the
        serializer (so by the secret key); its age is checked on every request against the
        time it was signed, as itsdangerous would, and an expired cookie opens an empty
        session. Only contents made of plain values (text, numbers, booleans) are kept, so
        no request can change what the next one reads; anything else is read afresh."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        kept = app.extensions.get("portal_session_cookies")
        if kept is None:
            kept = app.extensions["portal_session_cookies"] = Memo(max_entries=4096)
        found = kept.peek((serializer, value))
        if found is not None:
            signed_at, items = found
            if int(time.time()) - signed_at > max_age:
                return self.session_class()
            return self.session_class(items)
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(type(item) in _PLAIN for item in data.values()):
            kept.keep((serializer, value), (int(signed_at.timestamp()), tuple(data.items())))
        return self.session_class(data)

    def get_signing_serializer(self, app):
        """Flask's serializer, made once per secret key (and fallbacks) instead of twice a
        request: it holds nothing but the keys and settings it is made from."""
        if not app.secret_key:
            return None
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = app.extensions.setdefault("portal_session_serializer", {})
        serializer = kept.get(key)
        if serializer is None:
            serializer = kept[key] = super().get_signing_serializer(app)
        return serializer


def init_security(app: Flask) -> None:
    """Add security headers, no-store for signed-in pages and gzip to every response."""
    app.session_interface = StaticFreeSessionInterface()
    init_input_guard(app)

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = CSP
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.path.startswith("/static/"):
            if request.args.get("v") and response.status_code == 200:
                # Versioned URLs (see init_static_versions) never change content.
                headers["Cache-Control"] = "public, max-age=31536000, immutable"
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


def init_static_versions(app: Flask) -> None:
    """Add ?v=<content hash> to static URLs so browsers may cache them for a year."""
    cache: dict[str, str] = {}

    @app.url_defaults
    def _static_version(endpoint, values):
        if endpoint != "static" or "filename" not in values or "v" in values:
            return
        filename = values["filename"]
        if filename not in cache or app.debug:
            path = Path(app.static_folder) / filename
            try:
                cache[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            except OSError:
                return
        values["v"] = cache[filename]


# --- Bad input never reaches a database (issue 7) ------------------------------------
# The largest id either database stores; a larger number in a path or query is no id.
MAX_ID = 2**63 - 1
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_WHOLE_NUMBER = re.compile(r"\s*[+-]?\d+\s*")


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that does not match numbers beyond 64 bits, so they answer 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


def init_url_converters(app: Flask) -> None:
    """Call before blueprints are registered: their rules pick converters when added."""
    app.url_map.converters["int"] = BoundedIntConverter


def _out_of_range(value: str) -> bool:
    return bool(_WHOLE_NUMBER.fullmatch(value)) and abs(int(value)) > MAX_ID


def init_input_guard(app: Flask) -> None:
    """Refuse input no page can use, before any view: 404 for query ids beyond 64 bits,
    400 for NUL in the URL or a form, 400 for a body that is not a form."""

    @app.before_request
    def _guard_input():
        if request.endpoint == "static":
            return None
        for value in request.args.values():
            if "\x00" in value:
                abort(400)
            if _out_of_range(value):
                abort(404)
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.content_length:
            if request.mimetype not in FORM_TYPES:
                abort(400)
        return None
