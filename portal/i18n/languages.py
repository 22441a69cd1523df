"""The languages the interface speaks, the choice for a request, and locale-aware formats."""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale
from babel import dates as babel_dates
from flask import current_app, has_request_context, request, session
from flask_babel import get_timezone, to_user_timezone
from flask_login import current_user
from markupsafe import escape

from portal.memo import Memo
from portal.translations import current_locale, locale_code

SESSION_KEY = "language"
RIGHT_TO_LEFT = {"ur", "ar", "fa", "he", "ps", "dv"}


def languages() -> dict[str, str]:
    """Language code -> its name in that language, in the order the switcher shows them."""
    return dict(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """Profile language when signed in, else the visitor's choice, else the browser's, else en."""
    if not has_request_context():  # a command, a worker or a test outside a request
        return "en"
    available = languages()
    if current_user and current_user.is_authenticated and current_user.language in available:
        return current_user.language
    chosen = session.get(SESSION_KEY)
    if chosen in available:
        return chosen
    return request.accept_languages.best_match(list(available)) or "en"


def text_direction(locale: str | None = None) -> str:
    """'rtl' for a right-to-left language, else 'ltr'."""
    code = (str(locale) if locale else locale_code()).split("_")[0]
    return "rtl" if code in RIGHT_TO_LEFT else "ltr"


# Each language's "medium" date and "short" time patterns, parsed once per process (Babel
# parses them again on every look-up through Locale.date_formats).
_PATTERNS: dict[str, tuple] = {}
_ENGLISH = Locale.parse("en")


def _patterns(locale) -> tuple:
    key = str(locale)
    found = _PATTERNS.get(key)
    if found is None:
        found = _PATTERNS[key] = (locale.date_formats["medium"], locale.time_formats["short"])
    return found


# What when() wrote, per language, time zone, moment and style: a page lists many dates
# (posts, practices, attempts) that never change, and formatting one costs more than
# finding it again. Nothing about the reader is kept but their language and time zone.
_WRITTEN = Memo(max_entries=20_000)


def when(value: datetime | date | None, style: str = "datetime") -> str:
    """A date or a date and time (UTC), written the way the page's language writes it.

    The same text as Flask-Babel's format_date(value, "medium") and format_time(value,
    "short"), with the locale, time zone and patterns looked up once, not per call."""
    return dates_writer(style)(value)


def dates_writer(style: str = "datetime", element: bool = False, locale=None):
    """when(value, style) for the many dates of one list, with the page's language and time
    zone looked up once (each look-up goes through the request's Babel context). With
    `element`, each date is kept as its whole <time> element, the text escaped for HTML
    and the datetime the UTC moment (`value.isoformat()` and Z): escaping the text and
    writing that ISO text for each of a list's dates cost more than finding them again.
    `locale`: the page's, when the caller has looked it up already."""
    locale = locale or current_locale() or _ENGLISH
    zone = get_timezone()
    # The memo is keyed by the language's code: a Locale compares itself to the key it
    # finds field by field, in Python, a dozen calls a date.
    code = str(locale)

    def write(value: datetime | date | None) -> str:
        if value is None:
            return ""
        return _WRITTEN.get(
            (code, zone, value, style, element), _write, value, style, locale, zone, element
        )

    write.key = (code, zone)  # what the dates are written for: a key for what holds them
    return write


def _write(value: datetime | date, style: str, locale, zone, element: bool = False) -> str:
    if element:
        text = escape(_write(value, style, locale, zone))
        return f'<time datetime="{value.isoformat()}Z">{text}</time>'
    day_pattern, time_pattern = _patterns(locale)
    if not isinstance(value, datetime):
        return babel_dates.format_date(value, day_pattern, locale)
    day = babel_dates.format_date(to_user_timezone(value), day_pattern, locale)
    if style == "date":
        return day
    moment = babel_dates.format_time(value, time_pattern, zone, locale)
    return f"{day} {moment}"


def chart_x(x: float, width: float = 0, total: float = 320, direction: str = "") -> float:
    """An x coordinate in an inline SVG chart of `total` units, mirrored on right-to-left pages.

    A bar (x, width) starts at the right edge instead of the left; a text point (width 0)
    moves to the mirrored place, where the inherited `direction: rtl` runs the text leftwards.
    A chart drawn in Python passes the page's `direction`, looked up once for all its points.
    """
    if (direction or text_direction()) == "rtl":
        return round(total - x - width, 1)
    return round(x, 1)
