"""`flask --app portal ...` commands for every admin task."""

from __future__ import annotations

import os
import shutil
import time
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.extensions import db

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


def register(app: Flask) -> None:
    """Attach every command group to the app."""
    app.cli.add_command(seed)
    app.cli.add_command(create_admin)
    app.cli.add_command(backup_group)
    app.cli.add_command(mail_group)
    app.cli.add_command(curriculum_group)
    app.cli.add_command(search_group)
    from portal.authoring.cli import gift_group

    app.cli.add_command(gift_group)
    from portal.progress.cli import progress_group

    app.cli.add_command(progress_group)

    from portal.enquiries.cli import enquiries_group

    app.cli.add_command(enquiries_group)


@click.command("seed")
@click.option("--content", "content_dir", type=click.Path(path_type=Path), default=CONTENT_DIR)
@click.option("--demo/--no-demo", default=True, help="Also create the demo cohort and accounts.")
def seed(content_dir: Path, demo: bool) -> None:
    """Load the programme facts and curriculum; add the demo cohort and accounts."""
    from portal import seed as seeding
    from portal.learning import curriculum_import

    # Restarts never write over people's work: the files fill an empty curriculum only.
    if curriculum_import.has_curriculum():
        click.echo(
            "curriculum: already in the database, left unchanged "
            "(apply files with `flask curriculum import PATH`)"
        )
    else:
        plan = curriculum_import.apply_files(content_dir)
        click.echo("curriculum: " + ", ".join(f"{v} {k}" for k, v in plan.counts.items()))
    seeding.ensure_countries_trained()
    if demo:
        cohort = seeding.ensure_demo_cohort(date.today())
        env_password = os.environ.get("PORTAL_DEMO_PASSWORD")
        password, generated = seeding.demo_password(current_app.instance_path, env_password)
        for line in seeding.ensure_demo_accounts(cohort, password, bool(env_password)):
            click.echo(line)
        db.session.commit()
        practices = seeding.ensure_demo_practices()
        click.echo(f"demo practices: {len(practices)} added")
        db.session.commit()
        click.echo(f"demo cohort: {cohort.name}, invitation code {seeding.DEMO_CODE}")
        source = (
            "PORTAL_DEMO_PASSWORD"
            if env_password
            else ("generated now" if generated else "kept in instance/demo_password")
        )
        click.echo(f"demo password ({source}): {password}")
    db.session.commit()
    click.echo(f"alumni forum: {seeding.ensure_alumni_forum()} default categories added")


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator")
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create an admin account, or make an existing account an admin."""
    from portal import audit
    from portal.accounts.models import User
    from portal.accounts.passwords import hash_password, password_problem

    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(problem)
    email = email.strip().lower()
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, display_name=name, password_hash=hash_password(password))
        db.session.add(user)
    user.role = "admin"
    db.session.flush()
    audit.record("user.role_changed", target=user, new="admin", via="cli")
    db.session.commit()
    click.echo(f"{email} is an admin.")


backup_group = AppGroup("backup", help="Backups of the whole database.")


@backup_group.command("create")
@click.argument("target", type=click.Path(path_type=Path))
def backup_create(target: Path) -> None:
    """Back the database up to TARGET while the portal keeps running."""
    from portal.backup import BackupError, create_backup

    try:
        size = create_backup(db.engine, target)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backed up the {db.engine.dialect.name} database to {target} ({size} bytes)")


@backup_group.command("restore")
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def backup_restore(source: Path, yes: bool) -> None:
    """Replace the database with the backup in SOURCE (stop the portal first)."""
    from portal.backup import BackupError, restore_backup

    if not yes:
        click.confirm("This replaces every table of the current database. Go on?", abort=True)
    db.session.remove()
    try:
        restore_backup(db.engine, source)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored the {db.engine.dialect.name} database from {source}")


mail_group = AppGroup("mail", help="The outbox.")


@mail_group.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering every --every seconds.")
@click.option("--every", default=30, show_default=True)
def mail_deliver(loop: bool, every: int) -> None:
    """Send pending mail over SMTP; failures are retried later, nothing is lost."""
    from portal.mail import deliver_pending

    while True:
        sent, failed = deliver_pending()
        click.echo(f"sent {sent}, failed {failed}")
        if not loop:
            return
        time.sleep(every)


@mail_group.command("digest")
def mail_digest() -> None:
    """Queue one daily digest per person with new posts in the discussions they follow."""
    from portal.discussion.notifications.services import send_digests

    click.echo(f"queued {send_digests()} digests")


curriculum_group = AppGroup("curriculum", help="The curriculum as Markdown + YAML files.")


@curriculum_group.command("import")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only print what would be created, updated, retired.")
@click.option(
    "--force", is_flag=True, help="Also overwrite or retire items changed in the browser."
)
def curriculum_import(path: Path, dry_run: bool, force: bool) -> None:
    """Create, update or retire curriculum items from a content folder (never deletes)."""
    from portal.learning import content_files, curriculum_import

    try:
        plan = curriculum_import.apply_files(path, force=force, dry_run=dry_run)
    except content_files.ContentError as exc:
        raise click.ClickException(str(exc)) from exc
    for change in plan.changes:
        click.echo(change.line())
    click.echo(("plan: " if not plan.applied else "imported: ") + plan.summary())
    if plan.applied:
        click.echo("imported: " + ", ".join(f"{v} {k}" for k, v in plan.counts.items()))
    elif not dry_run:
        raise click.ClickException(
            "nothing imported: the items marked above were changed in the browser since the "
            "last import; keep them, or pass --force to overwrite them"
        )


@curriculum_group.command("export")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the folder if it exists.")
def curriculum_export(path: Path, force: bool) -> None:
    """Write the curriculum to a content folder."""
    from portal.learning import content_files

    if path.exists() and any(path.iterdir()):
        if not force:
            raise click.ClickException(f"{path} is not empty; use --force to replace it.")
        shutil.rmtree(path)
    counts = content_files.export_curriculum(path)
    click.echo("exported: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


search_group = AppGroup("search", help="The full-text search index.")


@search_group.command("reindex")
def search_reindex() -> None:
    """Rebuild the SQLite search index from posts, threads and readings (PostgreSQL needs none)."""
    from portal.search.indexing import reindex_all

    with db.engine.begin() as connection:
        count = reindex_all(connection)
    if db.engine.dialect.name == "sqlite":
        click.echo(f"search index rebuilt: {count} entries")
    else:
        click.echo("PostgreSQL searches the tables directly; nothing to rebuild.")
