"""`flask --app portal progress ...`"""

from __future__ import annotations

import click
from flask.cli import AppGroup

progress_group = AppGroup("progress", help="Progress toward the objectives.")


@progress_group.command("rebuild")
def rebuild() -> None:
    """Recompute every progress summary from raw records (quiz summaries, posts per
    session, each participant's totals)."""
    from portal.progress.services import rebuild_all

    counts = rebuild_all()
    click.echo("rebuilt: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
