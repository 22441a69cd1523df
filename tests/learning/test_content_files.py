"""The curriculum as files: import, export, round trip and the shipped content's figures."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from portal.extensions import db
from portal.learning import content_files
from portal.learning.grading import validate_question
from portal.learning.models import CurriculumSession, Question, Quiz, Reading

CONTENT = Path(__file__).resolve().parents[2] / "content"


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (CurriculumSession, Reading, Quiz, Question)
    }


def test_export_import_export_is_byte_identical_for_the_shipped_content(app, tmp_path):
    content_files.import_curriculum(CONTENT)
    db.session.commit()
    first = tmp_path / "first"
    content_files.export_curriculum(first)
    content_files.import_curriculum(first)
    db.session.commit()
    second = tmp_path / "second"
    content_files.export_curriculum(second)
    assert files_of(first) == files_of(second)
    # programme, assessment; session+quiz; readings; translations of sessions 1 and 6 (th, id, ur)
    assert len(files_of(first)) == 2 + 11 * 2 + 25 + 6
    assert (first / "sessions/01-concept-introduction/readings/01-who-is-a-victim.md").exists()


def test_export_keeps_every_fact_of_the_shipped_content(app, tmp_path):
    content_files.import_curriculum(CONTENT)
    db.session.commit()
    content_files.export_curriculum(tmp_path)
    for name in ("programme.yaml", "assessment.yaml"):
        assert yaml.safe_load((tmp_path / name).read_text()) == yaml.safe_load(
            (CONTENT / name).read_text()
        )
    for folder in (CONTENT / "sessions").iterdir():
        original = yaml.safe_load((folder / "quiz.yaml").read_text())
        exported = yaml.safe_load((tmp_path / "sessions" / folder.name / "quiz.yaml").read_text())
        assert exported == original
        session = yaml.safe_load((folder / "session.yaml").read_text())
        again = yaml.safe_load((tmp_path / "sessions" / folder.name / "session.yaml").read_text())
        assert again["title"] == session["title"]
        assert again.get("resources") == session.get("resources")
        assert again.get("exercise", {}).get("sections") == session.get("exercise", {}).get(
            "sections"
        )
        for reading in (folder / "readings").iterdir():
            written = tmp_path / "sessions" / folder.name / "readings" / reading.name
            assert content_files.parse_reading(written) == content_files.parse_reading(reading)


def test_round_trip_through_a_changed_tmp_folder(app, tmp_path):
    source = tmp_path / "source"
    shutil.copytree(CONTENT, source)
    reading = source / "sessions/02-three-p-approach/readings/01-the-three-ps.md"
    reading.write_text(reading.read_text() + "\nAn added paragraph: *emphasis* stays.\n")
    quiz = source / "sessions/02-three-p-approach/quiz.yaml"
    data = yaml.safe_load(quiz.read_text())
    data["questions"][0]["text"] = "A changed question text\nover two lines\n"
    quiz.write_text(yaml.safe_dump(data, sort_keys=False))
    content_files.import_curriculum(source)
    db.session.commit()
    content_files.export_curriculum(tmp_path / "a")
    content_files.import_curriculum(tmp_path / "a")
    db.session.commit()
    content_files.export_curriculum(tmp_path / "b")
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    exported = (tmp_path / "a/sessions/02-three-p-approach/readings/01-the-three-ps.md").read_text()
    assert exported.endswith("An added paragraph: *emphasis* stays.\n")
    assert (
        "A changed question text\n"
        in (tmp_path / "a/sessions/02-three-p-approach/quiz.yaml").read_text()
    )


def test_importing_twice_creates_nothing_new(app):
    content_files.import_curriculum(CONTENT)
    db.session.commit()
    before = counts()
    content_files.import_curriculum(CONTENT)
    db.session.commit()
    assert (
        counts() == before == {"CurriculumSession": 11, "Reading": 25, "Quiz": 12, "Question": 125}
    )


def test_a_question_removed_from_the_files_is_retired_not_deleted(app, tmp_path):
    source = tmp_path / "source"
    shutil.copytree(CONTENT, source)
    content_files.import_curriculum(source)
    db.session.commit()
    quiz = source / "sessions/01-concept-introduction/quiz.yaml"
    data = yaml.safe_load(quiz.read_text())
    removed = data["questions"].pop()["key"]
    quiz.write_text(yaml.safe_dump(data, sort_keys=False))
    content_files.import_curriculum(source)
    db.session.commit()
    question = db.session.scalar(select(Question).where(Question.key == removed))
    assert question is not None and question.is_retired
    content_files.export_curriculum(tmp_path / "out")
    assert removed not in (tmp_path / "out/sessions/01-concept-introduction/quiz.yaml").read_text()
    # Putting it back brings the same row back to life.
    shutil.copy(CONTENT / "sessions/01-concept-introduction/quiz.yaml", quiz)
    content_files.import_curriculum(source)
    db.session.commit()
    db.session.refresh(question)
    assert not question.is_retired
    assert counts()["Question"] == 125


def test_an_invalid_question_is_refused_with_its_place(app, tmp_path):
    source = tmp_path / "source"
    shutil.copytree(CONTENT, source)
    quiz = source / "sessions/01-concept-introduction/quiz.yaml"
    data = yaml.safe_load(quiz.read_text())
    data["questions"][0]["objectives"] = []
    quiz.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(content_files.ContentError, match="s01-q01"):
        content_files.import_curriculum(source)
    db.session.rollback()


def test_cli_export_then_import(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["curriculum", "import", str(CONTENT)])
    assert result.exit_code == 0, result.output
    assert "11 sessions" in result.output
    result = runner.invoke(args=["curriculum", "export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out/sessions/11-monitoring-and-evaluation/quiz.yaml").exists()


# --------------------------------------------------------------------------- the figures


def load_questions(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text())["questions"]


def test_the_shipped_curriculum_meets_the_issue_figures(app):
    content_files.import_curriculum(CONTENT)
    db.session.commit()
    sessions = db.session.scalars(
        select(CurriculumSession).order_by(CurriculumSession.number)
    ).all()
    assert [s.number for s in sessions] == list(range(1, 12))
    per_objective: Counter = Counter()
    for session in sessions:
        readings = db.session.scalars(select(Reading).where(Reading.session_id == session.id)).all()
        assert len(readings) >= 2, session.number
        assert sum(r.words for r in readings) >= 900, session.number
        questions = db.session.scalars(
            select(Question).join(Quiz).where(Quiz.session_id == session.id)
        ).all()
        assert len(questions) >= 6, session.number
        assert len({q.type for q in questions}) >= 3, session.number
        for question in questions:
            assert validate_question(question.spec) == [], question.key
            per_objective.update(question.objectives)
        if session.number in (3, 7, 8):
            assert session.exercise_intro and session.exercise_template, session.number
            assert all(section["items"] for section in session.exercise_template)
        else:
            assert not session.has_exercise
    assessment = db.session.scalars(
        select(Question).join(Quiz).where(Quiz.key == content_files.ASSESSMENT_KEY)
    ).all()
    assert len(assessment) >= 16
    assessment_objectives = Counter(o for q in assessment for o in q.objectives)
    for objective in (1, 2, 3, 4):
        assert assessment_objectives[objective] >= 4, objective
    for question in assessment:
        assert validate_question(question.spec) == [], question.key
        per_objective.update(question.objectives)
    for objective in (1, 2, 3, 4):
        assert per_objective[objective] >= 10, (objective, per_objective)
