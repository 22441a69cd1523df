"""Directory fixtures: listed and unlisted people in two cohorts (all fictional)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from exercises.conftest import Actor
from factories import enrol, make_cohort, make_user

from portal.database import utcnow
from portal.directory.models import DirectoryEntry
from portal.extensions import db


def listed(user, **fields) -> DirectoryEntry:
    values = {
        "display_name": user.display_name,
        "country": user.country,
        "organisation": user.organisation,
        "organisation_type": user.organisation_type,
        "pillars": ",protection,",
    }
    values.update(fields)
    entry = DirectoryEntry(user_id=user.id, **values)
    db.session.add(entry)
    db.session.commit()
    return entry


@pytest.fixture
def people(app):
    a, b = make_cohort("Cohort A (fictional)"), make_cohort("Cohort B (fictional)")
    old = utcnow() - timedelta(days=30)  # settled accounts: the first-day limit is tested apart
    w = SimpleNamespace()
    w.writer = make_user(
        display_name="Writer Invented", email="writer@example.test", country="PH", created_at=old
    )
    w.reader = make_user(
        display_name="Reader Invented",
        email="reader@example.test",
        country="TH",
        organisation="Invented Shelter Network",
        organisation_type="ngo",
        created_at=old,
    )
    w.official = make_user(
        display_name="Official Invented",
        country="ID",
        organisation="Invented Provincial Office",
        organisation_type="local_government",
        created_at=old,
    )
    w.hidden = make_user(display_name="Not Listed Person", country="TH", created_at=old)
    w.outsider = make_user(display_name="No Cohort Person", created_at=old)
    w.trainer = make_user("trainer", display_name="Trainer Invented", created_at=old)
    for user in (w.writer, w.reader, w.hidden):
        enrol(user, a)
    enrol(w.official, b)
    w.reader_entry = listed(w.reader)
    w.official_entry = listed(w.official, pillars=",prosecution,partnership,")
    return w


@pytest.fixture
def actor(app):
    return lambda user=None: Actor(app, user)
