"""CSV and XLSX exports of a cohort's progress, streamed row by row.

Text cells that a spreadsheet would read as a formula (beginning with =, +, -, @, a tab or
a carriage return) are prefixed with an apostrophe, so a participant's name or organisation
can never run as a formula on a trainer's computer.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator

import xlsxwriter
from flask_babel import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value, with text that starts like a formula made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _percent(value: float | None):
    return "" if value is None else round(value, 1)


def header(catalogue) -> list[str]:
    columns = [_("Name"), _("E-mail"), _("Country"), _("Organisation type"), _("Organisation")]
    for objective in catalogue.objectives:
        columns += [
            _("Objective %(n)d coverage %%", n=objective.number),
            _("Objective %(n)d mastery %%", n=objective.number),
            _("Objective %(n)d met", n=objective.number),
        ]
    for session in catalogue.sessions:
        columns += [
            _("Session %(n)d readings done", n=session.number),
            _("Session %(n)d best quiz %%", n=session.number),
            _("Session %(n)d posted", n=session.number),
        ]
    return columns


def row(user, progress) -> list:
    cells = [user.display_name, user.email, user.country, user.organisation_type, user.organisation]
    for objective in progress.objectives:
        cells += [
            _percent(objective.coverage),
            _percent(objective.mastery),
            _("yes") if objective.is_met else _("no"),
        ]
    for session in progress.sessions:
        cells += [
            f"{session.readings_done}/{session.readings_total}",
            _percent(session.best_percent),
            _("yes") if session.posted else _("no"),
        ]
    return [neutralise(c) for c in cells]


def _rows(records: Iterable) -> Iterator[list]:
    first = True
    for user, progress, catalogue in records:
        if first:
            yield header(catalogue)
            first = False
        yield row(user, progress)


def csv_stream(records: Iterable, empty_header: list[str]) -> Iterator[str]:
    """The CSV text in chunks of about 100 rows (UTF-8 with a BOM for spreadsheets)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    count = 0
    for cells in _rows(records):
        writer.writerow(cells)
        count += 1
        if count % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if count == 0:
        writer.writerow(empty_header)
    yield buffer.getvalue()


def xlsx_stream(records: Iterable, empty_header: list[str], sheet: str) -> Iterator[bytes]:
    """The XLSX file, written with xlsxwriter's constant-memory mode to a temporary file
    (a zip needs its directory at the end), then sent in 64 KB chunks."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False})
        worksheet = book.add_worksheet(sheet[:31])
        index = -1
        for index, cells in enumerate(_rows(records)):
            for column, value in enumerate(cells):
                if isinstance(value, str):
                    worksheet.write_string(index, column, value)
                else:
                    worksheet.write(index, column, value)
        if index < 0:
            for column, value in enumerate(empty_header):
                worksheet.write_string(0, column, value)
        book.close()
        with open(path, "rb") as stream:
            while chunk := stream.read(65536):
                yield chunk
    finally:
        os.unlink(path)


def report_csv(report: dict) -> str:
    """The programme report as CSV; a figure from fewer than 5 people reads "suppressed"."""
    from portal.progress.measure import suppressed

    hidden = _("suppressed (fewer than 5 people)")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Section"), _("Group"), _("People"), _("Value")])
    for label, rows in (
        (_("Country"), report["by_country"]),
        (_("Organisation type"), report["by_type"]),
    ):
        for value, people in rows:
            writer.writerow(
                [
                    neutralise(c)
                    for c in (label, value or "—", hidden if suppressed(people) else people, "")
                ]
            )
    for row in report["by_cohort"]:
        people = row["people"]
        writer.writerow(
            [
                _("Completion"),
                neutralise(row["cohort"].name),
                hidden if suppressed(people) else people,
                hidden if suppressed(people) else row["completed"],
            ]
        )
    for gain in report["gains"]:
        people = gain["people"]
        value = hidden if suppressed(people) else f"{gain['pre']:.1f} -> {gain['post']:.1f}"
        writer.writerow(
            [
                _("Objective %(n)d pre -> post", n=gain["objective"]),
                "",
                hidden if suppressed(people) else people,
                value,
            ]
        )
    for facet, label in (
        ("country", _("Practices shared by country")),
        ("org", _("Practices shared by organisation type")),
    ):
        for value, practices, people in report.get("practices", {}).get(facet, []):
            shown = (hidden, hidden) if suppressed(people) else (people, practices)
            writer.writerow([neutralise(c) for c in (label, value, *shown)])
    return "\ufeff" + buffer.getvalue()
