"""Practice fixtures: people of two cohorts and an alumnus, the curriculum labels, and
helpers that write practices through the services (all invented)."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from factories import PASSWORD, enrol, make_cohort, make_user

from portal.database import utcnow
from portal.extensions import db
from portal.learning.models import CurriculumSession, Objective
from portal.practices import services
from portal.practices.models import Practice, PracticeTag

HX = {"HX-Request": "true"}

COMPLETE = {
    "title": "Joint referral desk at an invented border post",
    "summary": "Officials and an NGO share one desk so that people found in need of help "
    "are referred the same day.",
    "description": "The desk is staffed **every weekday** by a labour inspector and a "
    "caseworker from a fictional NGO.",
    "results": "Referrals reached shelters within a day in most cases.",
    "lessons": "Agree the referral form before opening the desk.",
    "contact": "portal",
    "countries": ["TH", "KH"],
    "organisation_type": "local_government",
    "pillars": ["protection", "partnership"],
    "targets": ["migrant_workers"],
    "objectives": ["2"],
    "sessions": ["3"],
}


def make_curriculum() -> None:
    for number in range(1, 5):
        db.session.add(Objective(number=number, title=f"Objective {number}", description=""))
    for number in range(1, 4):
        db.session.add(
            CurriculumSession(number=number, slug=f"s-{number}", title=f"Invented session {number}")
        )
    db.session.commit()


def data_from(fields: dict) -> services.PracticeData:
    """PracticeData from the form-like dict above."""
    return services.PracticeData(
        title=fields.get("title", ""),
        summary=fields.get("summary", ""),
        description=fields.get("description", ""),
        results=fields.get("results", ""),
        lessons=fields.get("lessons", ""),
        contact=fields.get("contact", "portal"),
        facets={
            "country": fields.get("countries", []),
            "pillar": fields.get("pillars", []),
            "org": [fields["organisation_type"]] if fields.get("organisation_type") else [],
            "objective": fields.get("objectives", []),
            "session": fields.get("sessions", []),
            "target": fields.get("targets", []),
        },
        adapts_id=fields.get("adapts_id"),
    )


def draft(author, **changes) -> Practice:
    return services.save(author, None, data_from({**COMPLETE, **changes}))


def published(author, reviewer, **changes) -> Practice:
    practice = draft(author, **changes)
    services.submit(author, practice)
    services.publish(reviewer, practice)
    return practice


def insert_published(count: int, countries: list[str], start: int = 0) -> None:
    """Bulk-insert published practices with varied tags (for counts and budgets)."""
    pillars = ["prevention", "protection", "prosecution", "partnership"]
    orgs = ["ngo", "national_government", "local_government", "survivor_led"]
    targets = ["women", "children", "fishers", "refugees", "domestic_workers"]
    now = utcnow()
    rows, tags = [], []
    for n in range(start, start + count):
        rows.append(
            {
                "id": 10_000 + n,
                "status": "published",
                "title": f"Invented practice {n}",
                "summary": f"Summary {n} of an invented practice about referral.",
                "description": "A fictional description.",
                "description_html": "<p>A fictional description.</p>",
                "useful_count": n % 7,
                "published_at": now - timedelta(minutes=n),
            }
        )
        chosen = {
            ("country", countries[n % len(countries)]),
            ("country", countries[(n * 7 + 3) % len(countries)]),
            ("pillar", pillars[n % 4]),
            ("org", orgs[n % 4]),
            ("objective", str(n % 4 + 1)),
            ("session", str(n % 3 + 1)),
            ("target", targets[n % 5]),
        }
        if n % 3 == 0:
            chosen.add(("pillar", pillars[(n + 1) % 4]))
        tags += [{"practice_id": 10_000 + n, "facet": f, "value": v} for f, v in chosen]
    db.session.execute(db.insert(Practice), rows)
    db.session.execute(db.insert(PracticeTag), tags)
    db.session.commit()


@pytest.fixture
def people(app, cohort, participant, trainer, admin):
    """Cohort A (author, peer, trainer), cohort B (member, trainer), an alumnus of an
    earlier cohort, a signed-up person in no cohort, an admin."""
    make_curriculum()
    today = date.today()
    cohort_b = make_cohort("October workshop (fictional)")
    old = make_cohort(
        "Earlier workshop (fictional)",
        elearning_opens=today - timedelta(days=200),
        workshop_start=today - timedelta(days=150),
        workshop_end=today - timedelta(days=146),
        alumni_from=today - timedelta(days=140),
    )
    peer = make_user(display_name="Peer A")
    enrol(peer, cohort)
    member_b = make_user(display_name="Member B")
    enrol(member_b, cohort_b)
    trainer_b = make_user("trainer", display_name="Trainer B")
    enrol(trainer_b, cohort_b, "trainer")
    alumnus = make_user(display_name="Alumnus C")
    enrol(alumnus, old)
    outsider = make_user(display_name="No Cohort")
    return SimpleNamespace(
        author=participant,
        peer=peer,
        trainer=trainer,
        trainer_b=trainer_b,
        member_b=member_b,
        alumnus=alumnus,
        outsider=outsider,
        admin=admin,
    )


def sign_in(web, user):
    if user is not None:
        response = web.login(user.email, PASSWORD)
        assert response.status_code in (302, 303), response.status_code
    return web


def form_fields(fields: dict, **extra) -> dict:
    """The practice form as a browser would post it."""
    data = {k: v for k, v in fields.items() if k != "adapts_id"}
    data.update(extra)
    return data
