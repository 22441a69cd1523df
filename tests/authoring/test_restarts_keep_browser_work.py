"""Restarts never overwrite the browser's work; applying files is explicit and shows its plan.

The story: `make run` seeds the shipped curriculum; a trainer edits a reading's title, a
quiz's pass mark and adds a question through the authoring screens; `make run` again calls
`flask seed`, which must leave all three alone. `flask curriculum import` lists exactly
those three as conflicts, refuses without --force, and applies them with it.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from authoring.test_questions import common
from portal.audit import AuditEvent
from portal.extensions import db
from portal.learning.models import CurriculumSession, Question, Quiz, Reading

CONTENT = Path(__file__).resolve().parents[2] / "content"


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def reading_one() -> Reading:
    session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == 1))
    return db.session.scalar(
        select(Reading).where(Reading.session_id == session.id).order_by(Reading.position)
    )


def quiz_one() -> Quiz:
    return db.session.scalar(select(Quiz).where(Quiz.key == "session-01"))


def question(key: str) -> Question | None:
    return db.session.scalar(select(Question).where(Question.key == key))


@pytest.fixture
def edited(app, as_trainer):
    """The shipped curriculum seeded, then three edits made through the authoring screens."""
    seeded = cli(app, "seed", "--no-demo")
    assert seeded.exit_code == 0, seeded.output
    reading = reading_one()
    url = f"/author/readings/{reading.id}/edit"
    assert reading.body[:40] in html.unescape(as_trainer.client.get(url).get_data(as_text=True))
    form = {"title": "Edited in the browser", "slug": reading.slug}
    form.update(summary=reading.summary, body=reading.body)
    assert as_trainer.post(url, form).status_code == 303

    quiz = quiz_one()
    url = f"/author/sessions/{quiz.session_id}/quiz"
    assert quiz.title in html.unescape(as_trainer.client.get(url).get_data(as_text=True))
    assert quiz.pass_mark == 60
    form = {"title": quiz.title, "pass_mark": "75", "max_attempts": str(quiz.max_attempts)}
    form.update(feedback_pass=quiz.feedback_pass, feedback_fail=quiz.feedback_fail)
    if quiz.shuffle:
        form["shuffle"] = "y"
    assert as_trainer.post(url, form).status_code == 303

    url = f"/author/sessions/{quiz.session_id}/quiz/questions/new/truefalse"
    response = as_trainer.post(
        url,
        {
            **common(key="s01-browser", text="A victim's consent can make exploitation lawful."),
            "answer": "false",
            "feedback_right": "Right: consent is irrelevant once means are used.",
            "feedback_wrong": "No: consent is irrelevant once means are used.",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.expire_all()
    assert question("s01-browser") is not None
    return reading.id


def assert_edits_kept(reading_id: int) -> None:
    db.session.expire_all()
    assert db.session.get(Reading, reading_id).title == "Edited in the browser"
    assert quiz_one().pass_mark == 75
    added = question("s01-browser")
    assert added is not None and not added.is_retired


def test_seeding_again_keeps_all_three_edits(app, edited):
    again = cli(app, "seed", "--no-demo")
    assert again.exit_code == 0, again.output
    curriculum_lines = [line for line in again.output.splitlines() if "curriculum" in line]
    assert curriculum_lines == [
        "curriculum: already in the database, left unchanged "
        "(apply files with `flask curriculum import PATH`)"
    ]
    assert_edits_kept(edited)


def test_the_dry_run_lists_exactly_the_conflicting_items_and_changes_nothing(app, edited):
    result = cli(app, "curriculum", "import", str(CONTENT), "--dry-run")
    assert result.exit_code == 0, result.output
    title = reading_one().slug
    listed = [line for line in result.output.splitlines() if not line.startswith("plan:")]
    marked = "  (changed in the browser since the last import)"
    assert listed == [
        f"updated  quiz session-01{marked}",
        f"updated  reading 01/{title}{marked}",
        f"retired  question s01-browser (quiz session-01){marked}",
    ]
    assert "plan: 0 created, 2 updated, 1 retired, 3 changed in the browser" in result.output
    assert_edits_kept(edited)


def test_import_without_force_refuses_and_with_force_applies(app, edited):
    refused = cli(app, "curriculum", "import", str(CONTENT))
    assert refused.exit_code != 0
    assert "nothing imported" in refused.output and "--force" in refused.output
    assert_edits_kept(edited)

    forced = cli(app, "curriculum", "import", str(CONTENT), "--force")
    assert forced.exit_code == 0, forced.output
    db.session.expire_all()
    assert db.session.get(Reading, edited).title != "Edited in the browser"
    assert quiz_one().pass_mark == 60
    retired = question("s01-browser")
    assert retired is not None and retired.is_retired  # retired, never deleted
    seeded, event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "curriculum.imported").order_by(AuditEvent.id)
    ).all()
    assert seeded.detail["created"] > 100 and seeded.detail["overwritten"] == 0
    assert event.detail == {"created": 0, "updated": 2, "retired": 1, "overwritten": 3}

    # Now the database is as the files say: the same import plans nothing.
    again = cli(app, "curriculum", "import", str(CONTENT), "--dry-run")
    assert again.output.strip() == "plan: 0 created, 0 updated, 0 retired, 0 changed in the browser"


def test_changes_made_only_in_the_files_apply_without_force(app, edited, tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    session_two = next((folder / "sessions").glob("02-*"))
    reading_file = sorted((session_two / "readings").glob("*.md"))[0]
    text = reading_file.read_text(encoding="utf-8")
    reading_file.write_text(text + "\nA paragraph added to the file.\n", encoding="utf-8")
    slug = reading_file.stem.split("-", 1)[1]

    result = cli(app, "curriculum", "import", str(folder))
    assert result.exit_code != 0  # the three browser edits still block a plain import
    assert "nothing imported" in result.output
    result = cli(app, "curriculum", "import", str(folder), "--dry-run")
    assert f"updated  reading 02/{slug}\n" in result.output

    # Export what the browser made, change one file, import: only that file's item moves.
    exported = tmp_path / "exported"
    assert cli(app, "curriculum", "export", str(exported)).exit_code == 0
    assert cli(app, "curriculum", "import", str(exported)).exit_code == 0  # marks all as imported
    reading_file = next((exported / "sessions").glob("02-*")) / "readings" / reading_file.name
    text = reading_file.read_text(encoding="utf-8")
    reading_file.write_text(text + "\nA paragraph added to the file.\n", encoding="utf-8")
    result = cli(app, "curriculum", "import", str(exported))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"updated  reading 02/{slug}"
    assert_edits_kept(edited)
    db.session.expire_all()
    count = db.session.scalar(select(func.count(Reading.id)).where(Reading.slug == slug))
    assert count == 1
