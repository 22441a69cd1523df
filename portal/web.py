"""Rendering helpers: a page or one of its blocks, and the error pages."""

from __future__ import annotations

import logging

from flask import Flask, abort, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from jinja2_fragments.flask import render_block
from werkzeug.exceptions import HTTPException

from portal.extensions import db

log = logging.getLogger(__name__)


def is_htmx() -> bool:
    """True for an HTMX request that targets part of a page (not a boosted navigation)."""
    htmx = getattr(request, "htmx", None)  # set by htmx-flask's request class
    return bool(htmx) and not htmx.boosted


def render(template: str, block: str | None = None, status: int = 200, **context):
    """The whole page, or only `block` of it when HTMX asks for a fragment."""
    if block and is_htmx():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def get_or_404(model, ident):
    """Load a row by primary key or answer 404."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("The upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("The portal is not available right now"),
}


def init_errors(app: Flask) -> None:
    """Friendly error pages that never show a stack trace."""

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code = error.code or 500
        if code not in ERROR_TITLES:
            return error
        return render(
            "errors/error.html",
            status=code,
            code=code,
            title=ERROR_TITLES[code],
            description=getattr(error, "portal_message", None),
        )

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return _http_error(error)
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.endpoint)
        return render("errors/error.html", status=500, code=500, title=ERROR_TITLES[500])


def init_database_errors(app: Flask) -> None:
    """A friendly 503 (not a 500) while the database cannot be reached; the pool's
    pre-ping reconnects by itself once it is back, so no restart is needed."""
    from flask import render_template as _render_template
    from sqlalchemy.exc import InterfaceError, OperationalError

    def _unavailable(error: Exception):
        try:
            db.session.rollback()
        except Exception:  # the connection is gone; nothing to roll back
            db.session.invalidate()
        log.warning("database unavailable on %s %s", request.method, request.endpoint)
        response = make_response(_render_template("errors/unavailable.html"), 503)
        response.headers["Retry-After"] = "30"
        response.vary.add("HX-Request")
        return response

    app.register_error_handler(OperationalError, _unavailable)
    app.register_error_handler(InterfaceError, _unavailable)
