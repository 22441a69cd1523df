"""`flask --app portal progress ...`"""

from __future__ import annotations

import logging
import time

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from portal.extensions import db

log = logging.getLogger(__name__)

progress_group = AppGroup("progress", help="Progress toward the objectives.")


@progress_group.command("rebuild")
def rebuild() -> None:
    """Recompute every progress summary from raw records (quiz summaries, posts per
    session, each participant's totals)."""
    from portal.progress.services import rebuild_all

    counts = rebuild_all()
    click.echo("rebuilt: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@progress_group.command("refresh")
@click.option("--loop", is_flag=True, help="Keep refreshing every --every seconds.")
@click.option("--every", default=5, show_default=True)
@click.option("--batch", default=500, show_default=True, help="People per transaction.")
def refresh(loop: bool, every: int, batch: int) -> None:
    """Recompute the progress summaries marked stale by new events, in small batches, so
    that the cohort dashboard finds them current. Safe with several workers at once."""
    from portal.progress.queries import refresh_stale

    while True:
        try:
            count = refresh_stale(max(batch, 1))
        except SQLAlchemyError:
            if not loop:
                raise
            # A database restart must not end the worker: try again next round.
            db.session.rollback()
            log.exception("progress refresh failed; retrying in %d s", every)
            count = 0
        if not loop or count:
            click.echo(f"refreshed {count} participant progress summaries")
        if not loop:
            return
        time.sleep(every)
