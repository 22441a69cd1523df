"""The per-participant summary rows the cohort dashboard sums: kept current from the stored
events (database triggers mark a person's row stale, the next page that shows the person
recomputes it), and `flask --app portal progress rebuild` gives the same numbers."""

from __future__ import annotations

import re

from click.testing import CliRunner
from factories import enrol, make_user
from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.learning.services import set_reading_done
from portal.progress.models import ProgressSummary
from tests.progress.builders import answer, post_in_session, small_curriculum


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def rows() -> list[tuple]:
    db.session.expire_all()
    return sorted(
        (r.user_id, r.objective, r.done, round(r.earned, 6), r.pre, r.post)
        for r in db.session.scalars(select(ProgressSummary))
    )


def totals_of(user) -> ProgressSummary:
    db.session.expire_all()
    return db.session.get(ProgressSummary, (user.id, 0))


def test_summaries_follow_events_and_match_a_rebuild(as_trainer, cohort):
    world = small_curriculum()
    sessions, readings, quizzes = world["sessions"], world["readings"], world["quizzes"]
    ana, bo, chen = (make_user(display_name=f"{n} Made-up") for n in ("Ana", "Bo", "Chen"))
    for person in (ana, bo, chen):
        enrol(person, cohort)
    db.session.commit()
    set_reading_done(ana, readings[(sessions[0].id, 1)], True)
    answer(ana, quizzes[0], {"a", "b"})  # 3 of 4 points: passed; objective 1: 3, objective 2: 1
    post_in_session(ana, cohort, sessions[0])
    answer(bo, quizzes[1], {"d"})  # objective 2: 1 point
    set_reading_done(bo, readings[(sessions[1].id, 1)], True)

    # Activities: session 1 (objectives 1, 2) has 2 readings, a quiz and a post = 4;
    # session 2 (objective 2) 1 reading, a quiz and a post = 3; 7 in all.
    text = text_of(as_trainer.client.get(f"/cohorts/{cohort.id}/progress"))
    assert "Not started: 1. Behind: 2." in text  # Chen; Ana 3 of 7, Bo 2 of 7
    # Objective 1: coverage (3 + 0 + 0) / (3 × 4) = 25 %; mastery 3 / (3 × 3 points) = 33 %.
    assert re.search(r"1\. Know the made-up first aim 25 ?% 33 ?%", text), text
    # Objective 2: coverage (3 + 2 + 0) / (3 × 7) = 24 %; mastery (1 + 1) / (3 × 3) = 22 %.
    assert re.search(r"2\. Apply the made-up second aim 24 ?% 22 ?%", text), text
    stored = rows()
    assert (ana.id, 0, 3, 0, None, None) in stored and (bo.id, 0, 2, 0, None, None) in stored
    assert (ana.id, 1, 3, 3.0, None, None) in stored and (bo.id, 2, 2, 1.0, None, None) in stored

    # A new event marks Bo's row stale until a page that shows Bo recomputes it.
    set_reading_done(bo, readings[(sessions[0].id, 2)], True)
    assert totals_of(bo).version != totals_of(bo).refreshed
    assert totals_of(ana).version == totals_of(ana).refreshed
    text = text_of(as_trainer.client.get(f"/cohorts/{cohort.id}/progress"))
    assert totals_of(bo).done == 3 and totals_of(bo).version == totals_of(bo).refreshed
    assert "3 of 7 done" in text

    maintained = rows()
    result = CliRunner().invoke(args=["progress", "rebuild"], cli=current_app.cli)
    assert result.exit_code == 0, result.output
    assert "3 participant progress summaries" in result.output
    assert rows() == maintained


def test_a_retired_reading_makes_every_summary_stale(as_trainer, cohort, admin):
    from portal.learning.authoring_services import set_reading_retired

    world = small_curriculum()
    person = make_user(display_name="Dara Made-up")
    enrol(person, cohort)
    db.session.commit()
    reading = world["readings"][(world["sessions"][0].id, 1)]
    set_reading_done(person, reading, True)
    as_trainer.client.get(f"/cohorts/{cohort.id}/progress")
    assert totals_of(person).done == 1
    set_reading_retired(admin, reading, True)
    text = text_of(as_trainer.client.get(f"/cohorts/{cohort.id}/progress"))
    assert totals_of(person).done == 0  # recomputed against the new catalogue
    assert "Not started: 1. Behind: 0." in text
