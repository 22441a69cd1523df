"""Fictional practice data for the browser tests, written into the live app's database."""

from __future__ import annotations

from types import SimpleNamespace

from factories import enrol, make_cohort, make_user
from practices.conftest import insert_published, make_curriculum

from portal.extensions import db


def build_library(live_app, practices: int = 15) -> SimpleNamespace:
    """A cohort with an author, a peer and a trainer, a second trainer, the curriculum
    labels and a library of invented published practices."""
    with live_app.app_context():
        make_curriculum()
        cohort = make_cohort("Browser cohort (fictional)")
        author = make_user(display_name="Author Browser", country="TH")
        peer = make_user(display_name="Peer Browser")
        trainer = make_user("trainer", display_name="Trainer Browser")
        for user, role in ((author, "participant"), (peer, "participant"), (trainer, "trainer")):
            enrol(user, cohort, role)
        if practices:
            insert_published(practices, ["TH", "PH", "NP", "KH", "ID"])
        data = SimpleNamespace(author=author.email, peer=peer.email, trainer=trainer.email)
        db.session.remove()
    return data
