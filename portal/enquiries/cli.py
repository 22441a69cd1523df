"""`flask --app portal enquiries ...`: keep enquiries only as long as the notice says."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.database import utcnow

enquiries_group = AppGroup("enquiries", help="Enquiries from the Get involved forms.")


@enquiries_group.command("purge")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Keep this many days instead of ENQUIRY_RETENTION_DAYS.",
)
def purge(days: int | None) -> None:
    """Delete enquiries older than the retention period (ENQUIRY_RETENTION_DAYS)."""
    from portal.enquiries import services

    days = days or current_app.config["ENQUIRY_RETENTION_DAYS"]
    count = services.purge(utcnow(), days)
    click.echo(f"{count} enquiries older than {days} days deleted.")
