"""Deterministic budgets: SQL statements at 100 and at 10,000 participants; page weight."""

from __future__ import annotations

import pytest
from factories import enrol, make_user
from measure import count_statements, page_weight

from portal.extensions import db
from portal.progress import queries
from tests.progress.builders import small_curriculum
from tests.progress.bulk import add_participants

PATHS = (
    "/cohorts/{id}/progress",
    "/cohorts/{id}/progress?country=TH&organisation_type=ngo",
    "/cohorts/{id}/progress?page=2",
    "/cohorts/{id}/progress.csv",
    "/cohorts/{id}/progress.xlsx",
)


def _counts(app, web, cohort) -> dict[str, int]:
    counts = {}
    for path in PATHS:
        url = path.format(id=cohort.id)
        with count_statements(app) as log:
            response = web.client.get(url)
            response.get_data()
        assert response.status_code == 200, url
        counts[path] = log.count
    return counts


@pytest.mark.slow
def test_dashboard_and_exports_issue_the_same_statements_at_100_and_10000(app, as_trainer, cohort):
    small_curriculum()
    add_participants(cohort, 100)
    # The worker keeps the catalogue by the curriculum's version: both counts are of a
    # worker that has made it (the first page after a curriculum change reads it, +1).
    queries.catalogue()
    small = _counts(app, as_trainer, cohort)
    add_participants(cohort, 9_900, start=100)
    large = _counts(app, as_trainer, cohort)
    print("statements at 100 and 10,000:", small)
    assert small == large, (small, large)
    # The dashboard: session user (1), the cohort with the trainer check and the
    # curriculum's version (1), the page's activity with any stale summaries (1), the
    # refreshed summaries when any was stale (1), the attention list with the page's people
    # and the figures from the summary rows with the reminder template (1).
    assert max(small.values()) <= 5, small


def test_dashboard_of_a_200_person_cohort_stays_within_the_page_budget(app, as_trainer, cohort):
    small_curriculum()
    add_participants(cohort, 200)
    weight = page_weight(as_trainer.client, f"/cohorts/{cohort.id}/progress")
    print("dashboard of 200 people:", weight.requests, "requests,", weight.bytes, "bytes gzip")
    assert weight.requests <= 6
    assert weight.bytes <= 50 * 1024, weight


def test_participant_home_within_the_page_budget(app, web, cohort):
    small_curriculum()
    person = make_user(display_name="Budget Made-up")
    enrol(person, cohort)
    db.session.commit()
    web.login(person.email)
    weight = page_weight(web.client, "/progress")
    assert weight.requests <= 6 and weight.bytes <= 50 * 1024, weight
    with count_statements(app) as log:
        web.client.get("/progress")
    print("participant home:", weight.bytes, "bytes gzip,", log.count, "statements")
    assert log.count <= 8, log.statements
