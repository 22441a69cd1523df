"""`flask --app portal ...` commands for every admin task."""

from __future__ import annotations

import os
import shutil
import sqlite3
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
    app.cli.add_command(backup)
    app.cli.add_command(mail_group)
    app.cli.add_command(curriculum_group)
    app.cli.add_command(search_group)
    from portal.authoring.cli import gift_group

    app.cli.add_command(gift_group)


@click.command("seed")
@click.option("--content", "content_dir", type=click.Path(path_type=Path), default=CONTENT_DIR)
@click.option("--demo/--no-demo", default=True, help="Also create the demo cohort and accounts.")
def seed(content_dir: Path, demo: bool) -> None:
    """Load the programme facts and curriculum; add the demo cohort and accounts."""
    from portal import seed as seeding
    from portal.learning import content_files

    counts = content_files.import_curriculum(content_dir)
    click.echo("curriculum: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
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


@click.command("backup")
@click.argument("target", type=click.Path(path_type=Path))
def backup(target: Path) -> None:
    """Copy the SQLite database safely while the portal runs (use pg_dump for PostgreSQL)."""
    if db.engine.dialect.name != "sqlite":
        raise click.ClickException('For PostgreSQL use pg_dump, e.g. pg_dump -Fc "$DATABASE_URL".')
    source = db.engine.url.database
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    click.echo(f"backed up {source} to {target} ({target.stat().st_size} bytes)")


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
    from portal.notifications.services import send_digests

    click.echo(f"queued {send_digests()} digests")


curriculum_group = AppGroup("curriculum", help="The curriculum as Markdown + YAML files.")


@curriculum_group.command("import")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
def curriculum_import(path: Path) -> None:
    """Create or update the curriculum from a content folder (never duplicates)."""
    from portal.learning import content_files

    try:
        counts = content_files.import_curriculum(path)
    except content_files.ContentError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo("imported: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


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
