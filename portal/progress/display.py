"""The cohort dashboard's repeated markup, written in Python: the filters' options, the
objectives' charts and tables, the matrix and the reminder list. A dashboard has a row per
person and a cell per objective; as Jinja loops they escaped and yielded every value of
every cell, most of the page's work. The markup is the same as the loops it replaces
(tests/progress/test_dashboard_cells.py holds each to them); the labels are looked up once
a page, not once a person.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import current_app, get_template_attribute, request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from portal.i18n.languages import chart_x, text_direction
from portal.memo import FragmentMemo, Memo
from portal.navigation import item_url, item_url_parts
from portal.progress import bp
from portal.progress.forms import ReminderForm
from portal.security import csrf_token
from portal.translations import current_translations
from portal.translations import gettext as _

# The dashboard template's fixed texts (no values in them), which it writes as
# texts["<the English text>"]: the same for every reader of a language, so translated once
# per catalogue (a language's translations object) a worker, not at each of some thirty
# _() of every page. tests/progress/test_dashboard_cells.py checks that the template asks
# for these texts only.
FIXED_TEXTS = (
    _l("Back to the cohort"),
    _l("Country"),
    _l("All countries"),
    _l("Organisation type"),
    _l("All types"),
    _l("Show"),
    _l("Download CSV"),
    _l("Download XLSX"),
    _l("Cohort average per objective"),
    _l("Average coverage and mastery per objective"),
    _l("Upper bar: coverage; lower bar: mastery. The same figures are in the table."),
    _l("Objective"),
    _l("Average coverage"),
    _l("Average mastery"),
    _l("Who may need a reminder"),
    _l("Choose who gets a reminder"),
    _l("Send the reminder"),
    _l("Pre- and post-assessment"),
    _l("Pre- and post-assessment results per objective"),
    _l("People"),
    _l("Pre"),
    _l("Post"),
    _l("Raw gain"),
    _l("Normalised gain"),
    _l("Participants and sessions"),
    _l("Participants by session"),
    _l("Participant"),
    _l("Pages"),
    _l("Previous"),
    _l("Next"),
    _l(
        "Coverage: the share of the activities of the sessions serving the objective that "
        "are done (readings, quiz passed, a post in the session's board). Mastery: best "
        "quiz points on the objective's questions over the most possible. Each "
        "participant counts once; exercises are not counted yet."
    ),
    _l(
        "Pre and post: the mean score on the objective's questions in each assessment, of "
        "the people who took both. Raw gain: post minus pre, in percentage points. "
        "Normalised gain: the raw gain divided by what was left to learn (100 minus pre); "
        "0.5 means half of the gap was closed."
    ),
    _l(
        "Each cell: readings done of all, best quiz score, and ✓ when the person posted "
        "in the session's board."
    ),
)
_TEXTS = Memo(max_entries=64)


def dashboard_texts() -> dict[str, Markup]:
    """The dashboard's fixed texts in the request's language, by their English text, as
    the template's _() writes them (Markup; "%%" written "%")."""
    translations = current_translations()
    return _TEXTS.get(translations, _translate_texts, translations)


def _translate_texts(translations) -> dict[str, Markup]:
    texts = {}
    for lazy in FIXED_TEXTS:
        (text,) = lazy._args
        texts[text] = Markup(translations.ugettext(text)) % {}
    return texts


# The hint above the reminder list, which names the number of all activities: kept by
# language and that number (the catalogue's, read on the request), as its _() wrote it.
ATTENTION_HINT = _l(
    "Not started: nothing done yet (no reading marked done, no quiz passed, no post)."
    " Behind: started, but fewer than half of all %(total)d activities done."
)
_HINTS = Memo(max_entries=256)


def attention_hint(total: int) -> Markup:
    """The reminder list's hint in the request's language, with `total` activities."""
    translations = current_translations()
    return _HINTS.get((translations, total), _make_hint, translations, total)


def _make_hint(translations, total: int) -> Markup:
    (text,) = ATTENTION_HINT._args
    return Markup(translations.ugettext(text)) % {"total": total}


# Per filter and language: the filter's options (value -> place, each option's markup
# unselected and selected, all of them joined unselected). Made once per language, not per
# request: the country list holds some 250 countries. Nothing in it depends on who asks.
_OPTIONS: dict[tuple[str, str], tuple[dict[str, int], list[str], list[str], str]] = {}


def filter_options(name: str, locale: str, pairs, chosen: str) -> Markup:
    """The <option>s of filter `name` in the page's language, `chosen` selected; `pairs`
    gives (value, label) in that language, called once per language. Labels are escaped
    unless they are markup (a lazy translation is), as Jinja writes them."""
    found = _OPTIONS.get((name, locale))
    if found is None:
        pairs = list(pairs())
        plain = [f'<option value="{escape(c)}">{escape(n)}</option>' for c, n in pairs]
        selected = [f'<option value="{escape(c)}" selected>{escape(n)}</option>' for c, n in pairs]
        place = {code: n for n, (code, _name) in enumerate(pairs)}
        found = _OPTIONS[(name, locale)] = (place, plain, selected, "".join(plain))
    place, plain, selected, joined = found
    n = place.get(chosen)
    if n is None:
        return Markup(joined)
    return Markup("".join(plain[:n]) + selected[n] + "".join(plain[n + 1 :]))


@bp.app_template_global("percent")
def percent(value: float | None) -> str:
    """A share as the progress pages write it: "—" when there is none, else "42 %". The
    `pct` macro of progress/_charts.html calls it; the dashboard's cells (hundreds a page,
    made in Python by `matrix_cells`) call it directly."""
    return "—" if value is None else f"{value:.0f} %"


def average_rows(averages) -> Markup:
    """The rows of the table of cohort averages, one per objective: its number and title,
    the average coverage and mastery (written by `percent`, as the `pct` macro does)."""
    return Markup(
        "".join(
            f'<tr><th scope="row">{a["objective"].number}. {escape(a["objective"].title)}</th>'
            f"<td>{percent(a['coverage'])}</td><td>{percent(a['mastery'])}</td></tr>"
            for a in averages
        )
    )


def gain_rows(gains, labels: dict) -> Markup:
    """The rows of the pre/post table, one per objective: its label (from `labels`), how
    many took both assessments, then the means and gains, or that no one has yet (that
    text looked up once a page)."""
    nobody = Markup(_("No one has taken both yet."))
    rows = []
    for g in gains:
        head = f'<tr><th scope="row">{labels[g["objective"]]}</th><td>{g["people"]}</td>\n'
        if not g["people"]:
            rows.append(f'{head}<td colspan="4">{nobody}</td></tr>\n')
            continue
        normalised = g["normalised_gain"]
        rows.append(
            f"{head}<td>{percent(g['pre'])}</td><td>{percent(g['post'])}</td>"
            f"<td>{g['raw_gain']:+.1f}</td>"
            f"<td>{'—' if normalised is None else f'{normalised:.2f}'}</td>\n</tr>\n"
        )
    return Markup("".join(rows))


class ObjectiveLabels(NamedTuple):
    """Each objective's labels by its number ("Objective n" for the chart and the pre/post
    table, "Obj. n" for the matrix) and the matrix's column heads after "Participant"."""

    long: dict[int, Markup]
    short: dict[int, Markup]
    heads: Markup


# Labels and column heads by language (a language's translations object) and the
# catalogue's objective and session numbers, both read on the request that asks: the same
# for every reader, so written once, not at each request. A few curricula and languages.
_LABELS = Memo(max_entries=64)


def objective_labels(cat) -> ObjectiveLabels:
    """The objectives' labels and the matrix's column heads of catalogue `cat` in the
    request's language."""
    translations = current_translations()
    numbers = cat.numbers
    return _LABELS.get((translations, numbers), _make_labels, translations, numbers)


def _make_labels(translations, numbers) -> ObjectiveLabels:
    objectives, sessions = numbers
    # As the view's _() wrote them: the translation as Markup, then formatted.
    long_label = Markup(translations.ugettext("Objective %(n)d"))
    short_label = Markup(translations.ugettext("Obj. %(n)d"))
    short = {n: short_label % {"n": n} for n in objectives}
    return ObjectiveLabels(
        long={n: long_label % {"n": n} for n in objectives},
        short=short,
        heads=_head_cells(objectives, sessions, short),
    )


def matrix_head_cells(cat, short_labels: dict) -> Markup:
    """The matrix's column heads after "Participant": each objective's short label, then
    each session's number."""
    return _head_cells(*cat.numbers, short_labels)


def _head_cells(objectives, sessions, short_labels: dict) -> Markup:
    return Markup(
        "".join(f'<th scope="col">{short_labels[n]}</th>' for n in objectives)
        + "".join(f'<th scope="col">{n}</th>' for n in sessions)
    )


def matrix_cells(figures, posted_label) -> Markup:
    """One participant's cells of the dashboard's matrix, per objective then per session,
    from their `measure.matrix_row` figures: the markup the template would write for each
    cell, made here because a page has hundreds of cells (Jinja escapes every value of every
    cell). Numbers only, and the label escaped; each share written as `percent` writes it."""
    posted = f' · <span aria-label="{escape(posted_label)}">✓</span>'
    return Markup(_cells(figures, posted))


def _cells(figures, posted: str) -> str:
    objectives, sessions = figures
    cells = [
        f"<td>{'—' if coverage is None else f'{coverage:.0f} %'} / "
        f"{'—' if mastery is None else f'{mastery:.0f} %'}</td>"
        for coverage, mastery in objectives
    ]
    for done, total, best, has_quiz, has_posted in sessions:
        quiz = f" · {'—' if best is None else f'{best:.0f} %'}" if has_quiz else ""
        cells.append(f"<td>{done}/{total}{quiz}{posted if has_posted else ''}</td>")
    return "".join(cells)


def matrix_rows(rows, cohort_id: int, urls: DashboardUrls | None = None) -> Markup:
    """The matrix's row of each participant of the page: their name, linked to their
    details, then their cells (`matrix_cells`); the "posted" label and the address around
    a person's id found once a page (`urls`: the page's `dashboard_urls`)."""
    posted = f' · <span aria-label="{Markup(_("posted"))}">✓</span>'  # as the template's _()
    detail_url = _detail_urls(cohort_id, urls)
    return Markup(
        "".join(
            [
                f'<tr>\n<th scope="row"><a href="{detail_url(r["user"].id)}">'
                f"{escape(r['user'].public_name)}</a></th>\n"
                f"{_cells(r['figures'], posted)}</tr>\n"
                for r in rows
            ]
        )
    )


def attention_items(attention, chosen, cohort_id: int, urls: DashboardUrls | None = None) -> Markup:
    """The <li> of each person who may need a reminder (up to LIST_LIMIT), `chosen` (their
    ids) ticked: made here with the labels and the "n of m done" text looked up once a
    page, not once a person. Translations are markup, as in the templates' _()."""
    not_started, details = Markup(_("not started")), Markup(_("details"))
    detail_url = _detail_urls(cohort_id, urls)
    done_text = Markup(_("%(done)d of %(total)d done"))  # no values: the text unformatted
    items = []
    for item in attention:
        user_id, name = item["user"].id, escape(item["user"].public_name)
        done = item["done"]
        status = not_started if done == 0 else done_text % {"done": done, "total": item["total"]}
        items.append(
            f'<li><input type="checkbox" name="people" value="{user_id}" id="remind-{user_id}"'
            f"{' checked' if user_id in chosen else ''}>\n"
            f'<label for="remind-{user_id}">{name}</label>\n'
            f'<span class="hint">{status}</span>\n'
            f'· <a href="{detail_url(user_id)}">{details}'
            f'<span class="sr-only"> {name}</span></a></li>\n'
        )
    return Markup("".join(items))


_DETAIL = "progress.participant_detail"


class DashboardUrls(NamedTuple):
    """The addresses a cohort's dashboard writes (unescaped, as item_url returns them; the
    exports' without filters), and `detail`: the escaped text before and after a person's
    id in their details' address, or () when it cannot be written so."""

    cohort: str
    here: str
    csv: str
    xlsx: str
    reminders: str
    detail: tuple


def dashboard_urls(cohort_id: int) -> DashboardUrls:
    """The dashboard's addresses for the cohort, made once per app, script root and cohort:
    the same for every reader (each page checks who may open it), and a page writes them
    all (item_url, five times a page, costs more than the reminder list)."""
    kept = current_app.extensions.get("progress_dashboard_urls")
    if kept is None:
        kept = current_app.extensions["progress_dashboard_urls"] = Memo(max_entries=1000)
    return kept.get((request.script_root, cohort_id), _make_urls, cohort_id)


def _make_urls(cohort_id: int) -> DashboardUrls:
    parts = item_url_parts(_DETAIL, "user_id", cohort_id=cohort_id)
    return DashboardUrls(
        cohort=item_url("cohorts.cohort_detail", cohort_id=cohort_id),
        here=item_url("progress.cohort_dashboard", cohort_id=cohort_id),
        csv=item_url("progress.cohort_export_csv", cohort_id=cohort_id),
        xlsx=item_url("progress.cohort_export_xlsx", cohort_id=cohort_id),
        reminders=item_url("progress.reminders_send", cohort_id=cohort_id),
        detail=() if parts is None else tuple(map(escape, parts)),
    )


def _detail_urls(cohort_id: int, urls: DashboardUrls | None = None):
    """detail_url(user_id): the escaped address of a participant's details in the cohort,
    written around the id from the text before and after it (`DashboardUrls.detail`);
    `urls` are the page's, when it has them."""
    parts = (urls or dashboard_urls(cohort_id)).detail
    if not parts:
        return lambda user_id: escape(item_url(_DETAIL, cohort_id=cohort_id, user_id=user_id))
    before, after = parts
    return lambda user_id: f"{before}{user_id}{after}"


@bp.app_template_global("objective_chart")
def objective_chart(rows, chart_id: str, title: str, caption: str) -> Markup:
    """The bar chart of coverage and mastery per objective, an inline SVG mirrored on
    right-to-left pages; `rows` are (label, coverage, mastery). Made here, not in a macro:
    the macro asked the text direction for each of its coordinates (some 30 a chart).
    Labels, title and caption are escaped unless they are markup, as Jinja writes them.
    Kept by everything it draws (see _CHARTS)."""
    bars = tuple(
        (escape(label), round((coverage or 0) * 2, 1), round((mastery or 0) * 2, 1))
        for label, coverage, mastery in rows
    )
    # The bars' widths as written (str): 100 and 100.0 are equal keys but not equal text.
    key = (
        text_direction(),
        escape(chart_id),
        escape(title),
        escape(caption),
        tuple((label, str(covered), str(mastered)) for label, covered, mastered in bars),
    )
    return _CHARTS.get(key, _draw_chart, key[0], key[1], key[2], key[3], bars)


# Charts by everything they draw, each read on the request that asks: the text direction,
# the id, the (escaped) title, caption and labels, and each bar's width as written. The
# figures are a cohort's averages: nothing in a chart is a reader's own.
_CHARTS = FragmentMemo(max_entries=1000, max_chars=40_000)


def _draw_chart(direction: str, chart_id, title, caption, bars) -> Markup:
    height = len(bars) * 34 + 24
    track = chart_x(110, 200, direction=direction)
    parts = [
        '<figure class="chart">\n'
        f'<svg viewBox="0 0 320 {height}" width="100%" role="img"'
        f' aria-labelledby="{chart_id}-title" focusable="false">\n'
        f'<title id="{chart_id}-title">{title}</title>\n'
    ]
    for n, (label, covered, mastered) in enumerate(bars):
        y = n * 34 + 4
        parts.append(
            f'<text x="{chart_x(0, direction=direction)}" y="{y + 10}" class="chart-label">'
            f"{label}</text>\n"
            f'<rect class="meter-track" x="{track}" y="{y}" width="200" height="12"/>\n'
            f'<rect class="chart-coverage" x="{chart_x(110, covered, direction=direction)}"'
            f' y="{y}" width="{covered}" height="12"/>\n'
            f'<rect class="meter-track" x="{track}" y="{y + 15}" width="200" height="12"/>\n'
            f'<rect class="chart-mastery" x="{chart_x(110, mastered, direction=direction)}"'
            f' y="{y + 15}" width="{mastered}" height="12"/>\n'
        )
    parts.append(
        f'<text x="{chart_x(110, direction=direction)}" y="{height - 4}" class="chart-label">'
        f'0 %</text><text x="{chart_x(290, direction=direction)}" y="{height - 4}"'
        ' class="chart-label">100 %</text>\n'
        f"</svg>\n<figcaption>{caption}</figcaption>\n</figure>\n"
    )
    return Markup("".join(parts))


# The reminder form's subject and message fields as the `field` macro writes them, kept by
# language and the two texts they hold (this request's: the cohort's template or what was
# posted): WTForms writes each attribute through str.format, and the two fields cost more
# than the rest of the page's markup. Fields with errors are written afresh. Nothing in
# them is the viewer's own (the CSRF token is apart); bounded, cleared when full.
_REMINDER_FIELDS = FragmentMemo(max_entries=1000, max_chars=40_000)


def reminder_fields(locale: str, subject: str, body: str, form: ReminderForm | None) -> Markup:
    """The subject and message fields of the reminder form, one after the other, holding
    `subject` and `body`; `form` is the posted form (its errors shown), None on a GET."""
    if form is not None and (form.subject.errors or form.body.errors):
        return _write_reminder_fields(form)
    return _REMINDER_FIELDS.get((locale, subject, body), _write_texts, subject, body, form)


def _write_texts(subject: str, body: str, form: ReminderForm | None) -> Markup:
    if form is None:  # a GET has no form: one is built only to write the fields once
        form = ReminderForm(formdata=None, meta={"csrf": False})
        form.subject.data, form.body.data = subject, body
    return _write_reminder_fields(form)


def _write_reminder_fields(form: ReminderForm) -> Markup:
    field = get_template_attribute("_macros/forms.html", "field")
    return Markup(f"{field(form.subject)}\n{field(form.body)}")


def reminder_csrf_field() -> Markup:
    """The reminder form's hidden CSRF field as its FlaskForm's hidden_tag() writes it (the
    form has no other hidden field), with this request's token from generate_csrf, which
    the form's field calls too; nothing when CSRF is off, as the form then has no field.
    A GET writes it so without building the form; a POST checks the token as before."""
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True):
        return Markup("")
    name = escape(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    token = escape(csrf_token())
    return Markup(f'<input id="{name}" name="{name}" type="hidden" value="{token}">')


def form_alert(message: str) -> Markup:
    """What the `form_error` macro writes for `message`: nothing when there is none (every
    GET), so the macro is called only for a refused post."""
    if not message:
        return Markup("")
    return Markup(get_template_attribute("_macros/forms.html", "form_error")(message))
