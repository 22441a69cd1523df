"""`flask --app portal gift import|export`: a session quiz's questions as Moodle GIFT."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from portal.extensions import db

gift_group = AppGroup("gift", help="Quiz questions in Moodle's GIFT format.")


def _session(number: int):
    from portal.learning.models import CurriculumSession

    session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == number))
    if session is None:
        raise click.ClickException(f"There is no session {number}.")
    return session


@gift_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--session", "number", type=int, required=True, help="The session number.")
def gift_import(file: Path, number: int) -> None:
    """Add or update (by [id:] key) the questions of FILE in session N's quiz."""
    from portal.learning import authoring_services as services

    session = _session(number)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{file} is not UTF-8 text.") from exc
    report = services.import_gift(None, session, text)
    for problem in report.problems:
        click.echo(f"{file}:{problem.line}: {problem.message}", err=True)
    click.echo(
        f"imported {report.imported} questions into session {number} "
        f"({report.created} new, {report.updated} updated), {len(report.problems)} problems"
    )
    if report.updated_by_name:
        names = ", ".join(report.updated_by_name)
        click.echo(f"updated, not duplicated (same name already in the quiz): {names}")
    if not report.imported:
        raise click.ClickException("nothing could be imported")


@gift_group.command("export")
@click.option("--session", "number", type=int, required=True, help="The session number.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def gift_export(number: int, file: Path) -> None:
    """Write session N's current questions, in order, to FILE ("-" for standard output)."""
    from portal.learning import authoring_queries as queries

    text = queries.gift_text(_session(number).id)
    if str(file) == "-":
        click.echo(text, nl=False)
        return
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8", newline="\n")
    click.echo(f"exported session {number} to {file}")
