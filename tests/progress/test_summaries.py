"""The per-participant summary rows the cohort dashboard sums: kept current from the stored
events (database triggers mark a person's row stale, the next page that shows the person
recomputes it), and `flask --app portal progress rebuild` gives the same numbers."""

from __future__ import annotations

import re

import pytest
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


def stale_people() -> int:
    db.session.expire_all()
    return len(
        db.session.scalars(
            select(ProgressSummary.user_id).where(
                ProgressSummary.objective == 0,
                ProgressSummary.version != ProgressSummary.refreshed,
            )
        ).all()
    )


def run(*args: str) -> str:
    result = CliRunner().invoke(args=["progress", *args], cli=current_app.cli)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_background_refresh_leaves_nothing_for_the_dashboard_to_recompute(
    app, as_trainer, cohort
):
    from measure import count_statements

    world = small_curriculum()
    sessions, readings, quizzes = world["sessions"], world["readings"], world["quizzes"]
    ana, bo, chen = (make_user(display_name=f"{n} Made-up") for n in ("Ana", "Bo", "Chen"))
    for person in (ana, bo, chen):
        enrol(person, cohort)
    db.session.commit()
    set_reading_done(ana, readings[(sessions[0].id, 1)], True)
    answer(ana, quizzes[0], {"a", "b"})
    post_in_session(ana, cohort, sessions[0])
    answer(bo, quizzes[1], {"d"})

    # Nobody has a summary yet: the refresh gives all three one (Chen's says nothing done).
    assert "refreshed 3 participant progress summaries" in run("refresh")
    assert stale_people() == 0
    assert totals_of(ana).done == 3 and totals_of(chen).done == 0

    # New events make Ana and Bo stale; one refresh run brings exactly them up to date.
    set_reading_done(bo, readings[(sessions[1].id, 1)], True)
    set_reading_done(ana, readings[(sessions[0].id, 2)], True)
    assert stale_people() == 2
    assert "refreshed 2 participant progress summaries" in run("refresh", "--batch", "1")
    assert stale_people() == 0
    assert totals_of(bo).done == 2 and totals_of(ana).done == 4
    refreshed = rows()

    # The dashboard finds nothing stale: no statement stores a summary, one fewer in all.
    url = f"/cohorts/{cohort.id}/progress"
    with count_statements(app) as log:
        text = text_of(as_trainer.client.get(url))
    assert "Not started: 1. Behind: 1." in text  # Chen; Bo 2 of 7 (Ana 4 of 7 is not behind)
    assert not [s for s in log.statements if "progress_summary (" in s.lower()], log.statements
    print("dashboard with nothing stale:", log.count, "statements")
    # The session's user, the cohort (with the curriculum's version: the refresh made the
    # catalogue of this version already), the page's activity (with the check for stale
    # people), and the attention list with the figures and the page's people.
    assert log.count == 4, "\n\n".join(s[:150] for s in log.statements)
    assert rows() == refreshed

    # The rebuild from the raw records gives the same numbers.
    run("rebuild")
    assert rows() == refreshed
    assert "refreshed 0 participant progress summaries" in run("refresh")


def test_two_refreshers_at_once_share_the_work(app, cohort):
    """Two refreshers started together (threads, each with its own connection) on the same
    stale people: each person is recomputed once, neither fails (no deadlock), and the
    result is what recomputing everyone gives. On PostgreSQL they claim different people (FOR UPDATE
    SKIP LOCKED); on SQLite the write lock takes their batches in turn."""
    import threading

    from portal.progress.queries import rebuild_progress, refresh_stale
    from tests.progress.bulk import add_participants

    small_curriculum()
    add_participants(cohort, 600)
    db.session.commit()
    assert "refreshed 600" in run("refresh")
    # Every person becomes stale again, as after a bulk change.
    db.session.execute(
        ProgressSummary.__table__.update()
        .where(ProgressSummary.objective == 0)
        .values(version=ProgressSummary.version + 1)
    )
    db.session.commit()
    assert stale_people() == 600
    db.session.commit()  # on SQLite this test's own transaction would hold the write lock

    start = threading.Barrier(2)
    counts, errors = [], []

    def refresher() -> None:
        try:
            with app.app_context():
                start.wait()
                counts.append(refresh_stale(batch=25))
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=refresher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    print("two refreshers took", counts)
    assert sum(counts) == 600 and len(counts) == 2
    assert stale_people() == 0
    refreshed = rows()
    # Recomputing everyone from their summary rows gives the same (the bulk people have quiz
    # summaries but no raw attempts, so the full rebuild would empty their quiz results).
    rebuild_progress()
    assert rows() == refreshed


def test_make_run_and_the_cluster_start_the_refresher():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    makefile = (root / "Makefile").read_text()
    run_target = makefile[makefile.index("\nrun:") : makefile.index("\nlint:")]
    assert "flask progress refresh --loop" in run_target
    assert "flask mail deliver --loop" in run_target
    cluster = (root / "scripts" / "cluster.py").read_text()
    assert '"progress", "refresh", "--loop"' in cluster


def test_a_dashboard_that_must_store_after_another_writer_committed_still_answers(
    app, as_trainer, cohort
):
    """SQLite: the dashboard reads in a deferred transaction; when it finds stale people and
    another writer (the background refresh, a participant) commits before it stores their
    rows, SQLite refuses the write at once. The page starts again with the write lock
    instead of answering 500."""
    import sqlite3

    from sqlalchemy import event

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's deferred read transactions")
    world = small_curriculum()
    sessions, readings = world["sessions"], world["readings"]
    ana = make_user(display_name="Ana Made-up")
    enrol(ana, cohort)
    db.session.commit()
    set_reading_done(ana, readings[(sessions[0].id, 1)], True)  # Ana's summary is stale
    path, cohort_id = db.engine.url.database, cohort.id
    interrupted = []

    def another_writer_commits(conn, cursor, statement, parameters, context, executemany):
        if "progress_summary (" in statement.lower() and not interrupted:
            interrupted.append(statement)
            other = sqlite3.connect(path, timeout=5)
            # A real change: SQLite writes nothing for an update that changes nothing.
            other.execute(
                "UPDATE cohort SET location = ? WHERE id = ?", ("Elsewhere (fictional)", cohort_id)
            )
            other.commit()
            other.close()

    event.listen(db.engine, "before_cursor_execute", another_writer_commits)
    try:
        response = as_trainer.client.get(f"/cohorts/{cohort.id}/progress")
    finally:
        event.remove(db.engine, "before_cursor_execute", another_writer_commits)
    assert interrupted  # the other writer did commit between the read and the store
    assert response.status_code == 200
    assert "1 of 7 done" in text_of(response)
    db.session.rollback()  # the test's own reads start afresh, after the page's commit
    assert totals_of(ana).done == 1 and totals_of(ana).version == totals_of(ana).refreshed
