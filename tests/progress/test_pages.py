"""The participant home, the cohort dashboard, participant detail and exports, as users see them."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from factories import PASSWORD, enrol, make_cohort, make_user
from sqlalchemy import insert, update

from portal.extensions import db
from portal.learning.models import CurriculumSession, Objective, Question, Reading
from portal.learning.services import set_reading_done
from portal.progress import queries
from portal.progress.queries import catalogue
from tests.progress.builders import answer, post_in_session, small_curriculum


@pytest.fixture
def world(app, cohort, participant, trainer):
    data = small_curriculum()
    other_cohort = make_cohort("Other workshop (fictional)")
    stranger = make_user(display_name="Stranger Elsewhere")
    enrol(stranger, other_cohort)
    other_trainer = make_user("trainer", display_name="Other Trainer")
    enrol(other_trainer, other_cohort, "trainer")
    db.session.commit()
    return {
        **data,
        "cohort": cohort,
        "participant": participant,
        "trainer": trainer,
        "other_cohort": other_cohort,
        "stranger": stranger,
        "other_trainer": other_trainer,
    }


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_sign_in_lands_on_the_participant_home_with_the_next_step(web, world):
    person = world["participant"]
    set_reading_done(person, world["readings"][(world["sessions"][0].id, 1)], True)
    response = web.login(person.email)
    assert response.status_code == 303 and response.headers["Location"] == "/progress"
    page = web.client.get("/progress")
    text = text_of(page)
    assert page.status_code == 200
    assert "Know the made-up first aim" in text and "Apply the made-up second aim" in text
    assert "Continue with reading 2 of session 1: Made-up reading 1.2" in text
    assert "1 of 4 activities" in text  # objective 1: one reading of four activities
    assert 'href="/progress"' in page.get_data(as_text=True)  # the navigation link
    assert "<svg" in page.get_data(as_text=True)


def test_home_shows_best_quiz_score_per_session(web, world):
    person = world["participant"]
    answer(person, world["quizzes"][1], {"d"})
    web.login(person.email)
    text = text_of(web.client.get("/progress"))
    assert re.search(r"Session 2: Made-up session 2 In progress 0 / 1 100 %", text), text


def test_trainer_home_links_to_their_cohort_dashboards_only(web, world):
    web.login(world["trainer"].email)
    page = web.client.get("/progress").get_data(as_text=True)
    assert f"/cohorts/{world['cohort'].id}/progress" in page
    assert f"/cohorts/{world['other_cohort'].id}/progress" not in page


def test_dashboard_shows_matrix_averages_attention_and_filters(web, world):
    cohort, person = world["cohort"], world["participant"]
    person.country = "TH"
    lagging = make_user(display_name="Lagging Made-up", country="KH")
    enrol(lagging, cohort)
    db.session.commit()
    for reading in world["readings"].values():
        set_reading_done(person, reading, True)
    answer(person, world["quizzes"][0], {"a", "b", "c"})
    answer(person, world["quizzes"][1], {"d"})
    post_in_session(person, cohort, world["sessions"][0])
    post_in_session(person, cohort, world["sessions"][1])
    web.login(world["trainer"].email)
    page = web.client.get(f"/cohorts/{cohort.id}/progress")
    assert page.status_code == 200 and "HX-Request" in page.headers["Vary"]
    text = text_of(page)
    assert "2 participants shown" in text
    # Objective 1 averages: one person 100 %, the other 0 % → 50 %.
    assert re.search(r"1\. Know the made-up first aim 50 % 50 %", text), text
    assert "Not started: 1. Behind: 0." in text
    assert "Lagging Made-up not started" in text
    assert 'role="img"' in page.get_data(as_text=True)
    filtered = text_of(web.client.get(f"/cohorts/{cohort.id}/progress?country=KH"))
    assert "1 participant shown" in filtered and "Amihan Test" not in filtered
    fragment = web.client.get(
        f"/cohorts/{cohort.id}/progress?country=TH", headers={"HX-Request": "true"}
    )
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "1 participant shown" in body and "Amihan Test" in body


def test_participant_detail_lists_attempts_readings_and_posts(web, world):
    cohort, person = world["cohort"], world["participant"]
    set_reading_done(person, world["readings"][(world["sessions"][0].id, 1)], True)
    answer(person, world["quizzes"][0], {"a"})
    post_in_session(person, cohort, world["sessions"][0])
    web.login(world["trainer"].email)
    text = text_of(web.client.get(f"/cohorts/{cohort.id}/progress/{person.id}"))
    assert "Quiz 1: 50 %" in text
    assert "Session 1: Made-up reading 1.1" in text
    assert "Made-up question" in text
    assert "No reminder sent." in text


@pytest.mark.parametrize(
    "persona, path, expected",
    [
        ("trainer", "/cohorts/{cohort}/progress", 200),
        ("trainer", "/cohorts/{cohort}/progress.csv", 200),
        ("trainer", "/cohorts/{cohort}/progress.xlsx", 200),
        ("trainer", "/cohorts/{cohort}/progress/{participant}", 200),
        ("trainer", "/cohorts/{other}/progress", 404),
        ("trainer", "/cohorts/{other}/progress.csv", 404),
        ("trainer", "/cohorts/{other}/progress.xlsx", 404),
        ("trainer", "/cohorts/{other}/progress/{stranger}", 404),
        ("trainer", "/cohorts/{cohort}/progress/{stranger}", 404),
        ("participant", "/progress", 200),
        ("participant", "/cohorts/{cohort}/progress", 404),
        ("participant", "/cohorts/{cohort}/progress.csv", 404),
        ("participant", "/cohorts/{cohort}/progress/{participant}", 404),
        ("other_trainer", "/cohorts/{cohort}/progress", 404),
        ("other_trainer", "/cohorts/{other}/progress", 200),
        ("admin", "/cohorts/{cohort}/progress", 200),
        ("admin", "/cohorts/{other}/progress/{stranger}", 200),
        ("visitor", "/progress", 302),
        ("visitor", "/cohorts/{cohort}/progress", 302),
        ("visitor", "/cohorts/{cohort}/progress.csv", 302),
        ("participant", "/cohorts/{cohort}/progress.xlsx", 404),
        ("participant", "/cohorts/{other}/certificate.pdf", 404),
        ("participant", "/programme/report", 404),
        ("trainer", "/programme/report.csv", 404),
        ("other_trainer", "/cohorts/{cohort}/progress.csv", 404),
        ("other_trainer", "/cohorts/{cohort}/progress.xlsx", 404),
        ("other_trainer", "/cohorts/{cohort}/progress/{participant}", 404),
        ("admin", "/programme/report", 200),
        ("admin", "/programme/report.csv", 200),
        ("visitor", "/programme/report", 302),
    ],
)
def test_route_persona_matrix(web, world, admin, persona, path, expected):
    ids = {
        "cohort": world["cohort"].id,
        "other": world["other_cohort"].id,
        "participant": world["participant"].id,
        "stranger": world["stranger"].id,
    }
    if persona != "visitor":
        who = admin if persona == "admin" else world[persona]
        web.login(who.email, PASSWORD)
    response = web.client.get(path.format(**ids))
    assert response.status_code == expected


def test_state_changes_on_another_cohort_answer_404_and_change_nothing(web, world):
    from portal.progress.models import Certificate, Reminder

    cohort = world["cohort"]
    web.login(world["other_trainer"].email, PASSWORD)
    refused = web.post(
        f"/cohorts/{cohort.id}/reminders",
        {"people": str(world["participant"].id), "subject": "Made-up", "body": "Made-up text"},
        token_from=f"/cohorts/{world['other_cohort'].id}/progress",
    )
    assert refused.status_code == 404
    web.logout()
    web.login(world["participant"].email, PASSWORD)
    other = web.post(f"/cohorts/{world['other_cohort'].id}/certificate", {}, token_from="/progress")
    assert other.status_code == 404
    assert db.session.query(Reminder).count() == 0
    assert db.session.query(Certificate).count() == 0


def test_exports_neutralise_formulas_and_stream(web, world):
    cohort = world["cohort"]
    names = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tTabbed", "\rReturn"]
    for index, name in enumerate(names):
        user = make_user(display_name=name, organisation="=cmd|' /C calc'!A0")
        enrol(user, cohort)
        assert user.id and index >= 0
    db.session.commit()
    web.login(world["trainer"].email)
    response = web.client.get(f"/cohorts/{cohort.id}/progress.csv")
    assert response.is_streamed and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Name", "E-mail", "Country"]
    by_name = {row[0]: row for row in rows[1:]}
    for name in names:
        assert "'" + name in by_name, sorted(by_name)
        assert by_name["'" + name][4] == "'=cmd|' /C calc'!A0"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    xlsx = web.client.get(f"/cohorts/{cohort.id}/progress.xlsx")
    assert xlsx.is_streamed
    with zipfile.ZipFile(io.BytesIO(xlsx.get_data())) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        names_in_book = book.namelist()
        shared = (
            book.read("xl/sharedStrings.xml").decode()
            if "xl/sharedStrings.xml" in names_in_book
            else ""
        )
    assert "<f>" not in sheet  # no cell is a formula
    cells = sheet + shared
    assert "&apos;=HYPERLINK" in cells or "'=HYPERLINK" in cells
    assert "'=cmd|" in cells or "&apos;=cmd|" in cells


def test_dashboard_counts_a_curriculum_change_on_the_next_page(web, world):
    """The catalogue is kept by the curriculum's version, which the page reads on every
    request: a retired or a new reading counts at once."""
    cohort = world["cohort"]
    web.login(world["trainer"].email)

    def total() -> str:
        text = text_of(web.client.get(f"/cohorts/{cohort.id}/progress"))
        return re.search(r"fewer than half of all (\d+) activities", text).group(1)

    assert total() == total() == "7"  # session 1: 2 readings, quiz, post; session 2: 1, 1, 1
    reading = world["readings"][(world["sessions"][1].id, 1)]
    reading.is_retired = True
    db.session.commit()
    assert total() == "6"
    reading.is_retired = False
    db.session.commit()
    assert total() == "7"
    reading.title = "Made-up reading renamed"
    db.session.commit()
    assert catalogue().sessions[1].readings == [(reading.id, "r1", "Made-up reading renamed")]


def test_a_curriculum_change_made_elsewhere_shows_on_the_next_dashboard(
    web, world, make_app, monkeypatch
):
    """A second app (its own engine and session, plain SQL statements: nothing in this
    process hears of the change) changes the curriculum; the first app's next dashboard
    shows it, because the version it reads with the permission check has moved."""
    cohort = world["cohort"]
    web.login(world["trainer"].email)
    shown = []
    dashboard = queries.dashboard
    monkeypatch.setattr(
        queries, "dashboard", lambda *args: shown.append(dashboard(*args)) or shown[-1]
    )

    def page():
        text = text_of(web.client.get(f"/cohorts/{cohort.id}/progress"))
        return text, shown[-1]["catalogue"]

    other = make_app()

    def elsewhere(statement):
        db.session.commit()  # the test's own transaction ends first (SQLite's write lock)
        with other.app_context(), db.engine.begin() as connection:
            connection.execute(statement)

    text, cat = page()
    assert "fewer than half of all 7 activities" in text
    assert cat.possible == {1: 3.0, 2: 3.0}
    assert not cat.sessions[0].has_exercise
    session_2 = world["sessions"][1].id
    elsewhere(
        insert(Reading).values(
            session_id=session_2, position=2, slug="r2", title="Made-up new reading", body=""
        )
    )
    text, cat = page()
    assert "fewer than half of all 8 activities" in text
    assert [r[2] for r in cat.sessions[1].readings][-1] == "Made-up new reading"
    elsewhere(update(Question).where(Question.key == "c").values(is_retired=True))
    assert page()[1].possible == {1: 3.0, 2: 2.0}
    elsewhere(update(Objective).where(Objective.number == 1).values(title="Know a renamed aim"))
    text, cat = page()
    assert "Know a renamed aim" in text and cat.objectives[0].title == "Know a renamed aim"
    elsewhere(
        update(CurriculumSession)
        .where(CurriculumSession.id == world["sessions"][0].id)
        .values(exercise_template=[{"key": "made-up"}])
    )
    assert page()[1].sessions[0].has_exercise


def test_dashboard_passes_over_the_summaries_of_objectives_no_longer_in_the_catalogue(web, world):
    """The figures are summed over every objective's summary rows (no list of the
    catalogue's numbers in the statement): the rows of an objective the catalogue no longer
    has, e.g. one retired with its sessions, change nothing on the page."""
    from portal.progress.models import ProgressSummary

    cohort, participant = world["cohort"], world["participant"]
    set_reading_done(participant, world["readings"][(world["sessions"][0].id, 1)], True)
    web.login(world["trainer"].email)
    url = f"/cohorts/{cohort.id}/progress"

    def page() -> str:  # the CSRF tokens, signed with the time, left out
        html = web.client.get(url).get_data(as_text=True)
        html = re.sub(r'(csrf[-_]token"[^>]*(?:value|content)=")[^"]+', r"\1", html)
        return re.sub(r'("X-CSRFToken": ")[^"]+', r"\1", html)

    before = page()
    assert "1 participant shown." in before and "1 of 7 done" in before
    db.session.add(
        ProgressSummary(
            user_id=participant.id, objective=99, done=5, earned=3.0, pre=10.0, post=90.0
        )
    )
    db.session.commit()
    assert page() == before


def test_reminder_fields_follow_the_template_the_language_and_errors(web, world):
    """The subject and message fields are kept per language and texts (display.reminder_fields):
    each change to one of them shows on the next page, and errors are never kept."""
    from flask_babel import force_locale, gettext

    from portal.progress.models import ReminderTemplate
    from portal.progress.services import DEFAULT_SUBJECT

    cohort, trainer = world["cohort"], world["trainer"]
    web.login(trainer.email)
    url = f"/cohorts/{cohort.id}/progress"

    def page() -> str:
        return web.client.get(url).get_data(as_text=True)

    assert f'value="{DEFAULT_SUBJECT}"' in page() and f'value="{DEFAULT_SUBJECT}"' in page()
    template = ReminderTemplate(cohort_id=cohort.id, subject="First <subject>", body="One & two")
    db.session.add(template)
    db.session.commit()
    assert 'value="First &lt;subject&gt;"' in page() and "One &amp; two</textarea>" in page()
    template.subject = "Second subject"
    db.session.commit()
    assert 'value="Second subject"' in page() and "One &amp; two</textarea>" in page()
    template.body = "Three"
    db.session.commit()
    assert 'value="Second subject"' in page() and ">\r\nThree</textarea>" in page()
    trainer.language = "th"
    db.session.commit()
    with force_locale("th"):
        subject_label = gettext("Subject")
    assert subject_label != "Subject"
    assert f'<label for="subject">{subject_label}</label>' in page()
    # A post without a subject: the page again with the error, the field written afresh.
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page())
    data = {"subject": "", "body": "Three", "people": [str(world["participant"].id)]}
    if token:
        data["csrf_token"] = token.group(1)
    failed = web.client.post(f"/cohorts/{cohort.id}/reminders", data=data)
    assert failed.status_code == 400 and 'aria-invalid="true"' in failed.get_data(as_text=True)
    assert 'aria-invalid="true"' not in page() and 'value="Second subject"' in page()


def test_the_progress_pages_cohort_columns_follow_the_managing_rule(world, admin):
    """The progress pages read the cohort's id, name and threshold (with the curriculum's
    version) by the rule of managed_cohort: the cohort's trainers and admins, no one else
    (no 404 page differs)."""
    from portal.cohorts.permissions import managed_cohort, managed_cohort_columns
    from portal.learning.curriculum_version import CURRENT
    from portal.progress.views import _DASHBOARD_COHORT

    def columns(user, cohort_id):
        return managed_cohort_columns(user, cohort_id, _DASHBOARD_COHORT)

    version = db.session.scalar(CURRENT)
    people = ("trainer", "other_trainer", "participant", "stranger")
    for cohort in (world["cohort"], world["other_cohort"]):
        for user in [world[name] for name in people] + [admin]:
            found, entity = columns(user, cohort.id), managed_cohort(user, cohort.id)
            assert (found is None) == (entity is None)
            if found is not None:
                assert tuple(found) == (cohort.id, cohort.name, cohort.mastery_threshold, version)
        assert columns(admin, cohort.id) is not None
    assert columns(world["trainer"], world["cohort"].id) is not None
    assert columns(world["trainer"], world["other_cohort"].id) is None
    assert columns(admin, 999_999) is None
