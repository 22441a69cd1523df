"""A trainer writes questions of every type through the real forms; attempts stay intact."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from authoring.builders import make_quiz, tf_spec
from portal.audit import AuditEvent
from portal.extensions import db
from portal.learning.models import AttemptAnswer, Question, Quiz, QuizAttempt


def common(**extra) -> dict:
    data = {
        "name": "",
        "text": "Which element of the definition is described?",
        "format": "markdown",
        "points": "2",
        "objectives": ["1", "3"],
        "feedback": "See reading 1.",
    }
    data.update(extra)
    return data


def rows(*items: dict) -> dict:
    data = {}
    for index, item in enumerate(items):
        for name, value in item.items():
            data[f"row-{index}-{name}"] = value
    return data


FORMS = {
    "single": (
        rows(
            {"id": "", "text": "The act", "fraction": "100", "feedback": "Yes."},
            {"id": "", "text": "The purpose", "fraction": "0", "feedback": "No."},
            {"id": "", "text": "", "fraction": "", "feedback": ""},
        ),
        {
            "options": [
                {"id": "a", "text": "The act", "fraction": 100, "feedback": "Yes."},
                {"id": "b", "text": "The purpose", "fraction": 0, "feedback": "No."},
            ]
        },
    ),
    "multiple": (
        rows(
            {"id": "", "text": "Recruitment", "fraction": "50", "feedback": ""},
            {"id": "", "text": "Harbouring", "fraction": "50", "feedback": ""},
            {"id": "", "text": "Consent", "fraction": "-50", "feedback": "Consent is irrelevant."},
        ),
        {
            "options": [
                {"id": "a", "text": "Recruitment", "fraction": 50, "feedback": ""},
                {"id": "b", "text": "Harbouring", "fraction": 50, "feedback": ""},
                {
                    "id": "c",
                    "text": "Consent",
                    "fraction": -50,
                    "feedback": "Consent is irrelevant.",
                },
            ]
        },
    ),
    "truefalse": (
        {"answer": "false", "feedback_right": "Correct.", "feedback_wrong": "Look again."},
        {"answer": False, "feedback_right": "Correct.", "feedback_wrong": "Look again."},
    ),
    "short": (
        rows(
            {"text": "non-refoulement", "fraction": "", "feedback": "Yes."},
            {"text": "refoulement", "fraction": "50", "feedback": "Nearly."},
        ),
        {
            "answers": [
                {"text": "non-refoulement", "fraction": 100, "feedback": "Yes."},
                {"text": "refoulement", "fraction": 50, "feedback": "Nearly."},
            ]
        },
    ),
    "matching": (
        rows(
            {"left": "Act", "right": "Recruitment"},
            {"left": "Means", "right": "Deception"},
            {"left": "Purpose", "right": "Exploitation"},
        ),
        {
            "pairs": [
                {"left": "Act", "right": "Recruitment"},
                {"left": "Means", "right": "Deception"},
                {"left": "Purpose", "right": "Exploitation"},
            ]
        },
    ),
    "numerical": (
        rows(
            {
                "value": "2000",
                "tolerance": "0",
                "min": "",
                "max": "",
                "fraction": "",
                "feedback": "",
            },
            {
                "value": "",
                "tolerance": "",
                "min": "1999",
                "max": "2001",
                "fraction": "50",
                "feedback": "Close.",
            },
        ),
        {
            "answers": [
                {"value": 2000, "tolerance": 0, "fraction": 100, "feedback": ""},
                {"min": 1999, "max": 2001, "fraction": 50, "feedback": "Close."},
            ]
        },
    ),
}


def stored(key: str) -> Question:
    return db.session.scalar(select(Question).where(Question.key == key))


@pytest.mark.parametrize("kind", list(FORMS))
def test_create_then_edit_each_type_round_trips_the_canonical_dict(as_trainer, curriculum, kind):
    session = curriculum[0]
    posted, fields = FORMS[kind]
    url = f"/author/sessions/{session.id}/quiz/questions/new/{kind}"
    assert as_trainer.client.get(url).status_code == 200
    response = as_trainer.post(url, {**common(key=f"t-{kind}"), **posted})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/author/sessions/{session.id}/quiz")

    question = stored(f"t-{kind}")
    expected = {
        "key": f"t-{kind}",
        "type": kind,
        "objectives": [1, 3],
        "points": 2,
        "text": "Which element of the definition is described?",
        "feedback": "See reading 1.",
        **fields,
    }
    assert question.spec == expected
    assert (question.type, question.objectives, question.points) == (kind, [1, 3], 2.0)
    quiz = db.session.get(Quiz, question.quiz_id)
    assert quiz.session_id == session.id  # the quiz was created with the first question

    # The edit form shows every stored value; posting it back unchanged keeps the dict.
    page = as_trainer.client.get(f"/author/questions/{question.id}/edit").get_data(as_text=True)
    for value in _values(fields):
        assert f'value="{html.escape(value)}"' in page or html.escape(value) in page, value
    form = _form_values(page)
    response = as_trainer.post(f"/author/questions/{question.id}/edit", form)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert stored(f"t-{kind}").spec == expected

    form["name"] = "Renamed"
    as_trainer.post(f"/author/questions/{question.id}/edit", form)
    assert stored(f"t-{kind}").spec == {**expected, "name": "Renamed"}


def _values(fields: dict) -> list[str]:
    values = []
    for items in fields.values():
        if isinstance(items, list):
            for item in items:
                values += [str(v) for k, v in item.items() if k != "id" and v != ""]
    return values


def _form_values(page: str) -> dict:
    """What a browser would send from the edit form as shown (inputs, textareas, checks)."""
    form = page[page.index('class="question-form"') :]
    data: dict = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        value = html.unescape(value.group(1)) if value else ""
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio"):
            if "checked" in tag:
                data.setdefault(name.group(1), []).append(value)
            continue
        data[name.group(1)] = value
    for name, value in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S
    ):
        data[name] = html.unescape(value).lstrip("\n")
    for name, value in re.findall(
        r'<select[^>]*name="([^"]+)"[^>]*>.*?<option selected value="([^"]*)"', form, re.S
    ):
        data[name] = value
    data.setdefault("format", "markdown")
    return {
        k: (v[0] if isinstance(v, list) and k not in ("objectives",) else v)
        for k, v in data.items()
    }


def test_validation_problems_are_shown_and_what_was_typed_is_kept(as_trainer, curriculum):
    session = curriculum[0]
    url = f"/author/sessions/{session.id}/quiz/questions/new/single"
    data = {
        **common(text="My unfinished <question>", objectives=[]),
        **rows(
            {"id": "", "text": "Only option typed", "fraction": "abc", "feedback": "kept feedback"}
        ),
    }
    response = as_trainer.post(url, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page
    assert "The question needs at least 2 options." in page
    assert "The question must list at least one objective (1 to 4)." in page
    assert "fraction that is not a number" in page
    assert "My unfinished &lt;question&gt;" in page
    assert 'value="Only option typed"' in page
    assert 'value="abc"' in page
    assert 'value="kept feedback"' in page
    assert db.session.scalar(select(Question)) is None


def test_a_taken_key_is_refused(as_trainer, curriculum):
    session = curriculum[0]
    make_quiz(session, [tf_spec("s01-taken")])
    url = f"/author/sessions/{session.id}/quiz/questions/new/truefalse"
    response = as_trainer.post(url, {**common(key="s01-taken"), "answer": "true"})
    assert response.status_code == 400
    assert "Another question already uses the key s01-taken." in response.get_data(as_text=True)


def test_a_key_is_made_when_none_is_given(as_trainer, curriculum):
    session = curriculum[0]
    url = f"/author/sessions/{session.id}/quiz/questions/new/truefalse"
    for _ in range(2):
        assert as_trainer.post(url, {**common(), "answer": "true"}).status_code == 303
    keys = db.session.scalars(select(Question.key).order_by(Question.position)).all()
    assert keys == ["s01-q01", "s01-q02"]


def test_unknown_type_is_404(as_trainer, curriculum):
    url = f"/author/sessions/{curriculum[0].id}/quiz/questions/new/cloze"
    assert as_trainer.client.get(url).status_code == 404


def test_an_essay_with_a_rubric_and_a_description_are_written_in_the_form(as_trainer, curriculum):
    base = f"/author/sessions/{curriculum[0].id}/quiz/questions/new"
    essay = {
        "text": "Reflect on one change you would make.",
        "points": "4",
        "objectives": "2",
        "row-0-criterion": "Names a change",
        "row-0-points": "2",
        "row-1-criterion": "Explains why",
        "row-1-points": "1",
    }
    refused = as_trainer.post(f"{base}/essay", essay, token_from=f"{base}/essay")
    assert refused.status_code == 400
    assert "add up to 3" in refused.get_data(as_text=True)
    assert "Explains why" in refused.get_data(as_text=True)  # what was typed stays
    essay["row-1-points"] = "2"
    assert as_trainer.post(f"{base}/essay", essay, token_from=f"{base}/essay").status_code == 303
    note = {"text": "Read the case of a fictional worker first.", "points": "1"}
    assert as_trainer.post(f"{base}/description", note, token_from="/").status_code == 303
    stored = {q.type: q.spec for q in db.session.scalars(select(Question))}
    assert stored["essay"]["rubric"] == [
        {"criterion": "Names a change", "points": 2},
        {"criterion": "Explains why", "points": 2},
    ]
    assert (stored["description"]["points"], stored["description"]["objectives"]) == (0, [])


def quiz_page(web, session) -> str:
    return web.client.get(f"/author/sessions/{session.id}/quiz").get_data(as_text=True)


def test_reorder_questions_with_up_and_down(as_trainer, curriculum):
    session = curriculum[0]
    quiz = make_quiz(session, [tf_spec("k-1"), tf_spec("k-2"), tf_spec("k-3")])
    third = stored("k-3")
    token_from = f"/author/sessions/{session.id}/quiz"
    response = as_trainer.post(
        f"/author/questions/{third.id}/move", {"direction": "up"}, token_from=token_from
    )
    assert response.status_code == 303
    order = db.session.scalars(
        select(Question.key).where(Question.quiz_id == quiz.id).order_by(Question.position)
    ).all()
    assert order == ["k-1", "k-3", "k-2"]
    first = stored("k-1")
    as_trainer.post(
        f"/author/questions/{first.id}/move", {"direction": "down"}, token_from=token_from
    )
    order = db.session.scalars(
        select(Question.key).where(Question.quiz_id == quiz.id).order_by(Question.position)
    ).all()
    assert order == ["k-3", "k-1", "k-2"]
    bad = as_trainer.post(
        f"/author/questions/{first.id}/move", {"direction": "sideways"}, token_from=token_from
    )
    assert bad.status_code == 400


def submit_attempt(web, number: int, answers: dict) -> int:
    response = web.post(f"/sessions/{number}/quiz/start", token_from=f"/sessions/{number}/quiz")
    assert response.status_code == 303, response.get_data(as_text=True)
    attempt_id = int(re.search(r"/quiz/attempts/(\d+)", response.headers["Location"]).group(1))
    data = {"action": "submit", **answers}
    response = web.post(
        f"/quiz/attempts/{attempt_id}", data, token_from=f"/quiz/attempts/{attempt_id}"
    )
    assert response.status_code == 303
    return attempt_id


def test_retiring_and_editing_keep_old_reviews_and_leave_new_attempts_out(
    web, participant, trainer, curriculum
):
    session = curriculum[0]
    make_quiz(
        session,
        [
            tf_spec("keep-me", "Original text of the kept question."),
            tf_spec("retire-me", "Soon retired."),
        ],
    )
    kept, retired = stored("keep-me"), stored("retire-me")

    web.login(participant.email)
    attempt_id = submit_attempt(web, 1, {f"q{kept.id}": "true", f"q{retired.id}": "true"})
    review_before = web.client.get(f"/quiz/attempts/{attempt_id}/review")
    assert review_before.status_code == 200
    web.logout()

    web.login(trainer.email)
    token_from = f"/author/sessions/{session.id}/quiz"
    # A question with answers cannot be deleted, only retired.
    web.post(f"/author/questions/{retired.id}/delete", token_from=token_from)
    assert stored("retire-me") is not None
    assert "retire it instead" in quiz_page(web, session)
    web.post(f"/author/questions/{retired.id}/retire", token_from=token_from)
    assert stored("retire-me").is_retired
    # Edit the kept question: new text, answer flipped.
    form = _form_values(web.client.get(f"/author/questions/{kept.id}/edit").get_data(as_text=True))
    form.update(text="Rewritten text after the attempt.", answer="false")
    assert web.post(f"/author/questions/{kept.id}/edit", form).status_code == 303
    assert stored("keep-me").spec["answer"] is False
    web.logout()

    web.login(participant.email)
    review = web.client.get(f"/quiz/attempts/{attempt_id}/review")
    assert review.status_code == 200
    page = review.get_data(as_text=True)
    assert "Original text of the kept question." in page
    assert "Soon retired." in page
    assert "Rewritten text" not in page
    answers = db.session.scalars(
        select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id)
    ).all()
    assert all(a.fraction == 1 for a in answers)  # graded against the old answer, still right

    new_attempt = submit_attempt(web, 1, {f"q{kept.id}": "false"})
    assert db.session.get(QuizAttempt, new_attempt).question_ids == [kept.id]

    web.logout()
    web.login(trainer.email)
    web.post(f"/author/questions/{retired.id}/restore", token_from=token_from)
    assert not stored("retire-me").is_retired


def test_an_unused_question_can_be_deleted(as_trainer, curriculum):
    session = curriculum[0]
    make_quiz(session, [tf_spec("gone")])
    question = stored("gone")
    response = as_trainer.post(
        f"/author/questions/{question.id}/delete", token_from=f"/author/sessions/{session.id}/quiz"
    )
    assert response.status_code == 303
    assert stored("gone") is None


def test_question_changes_are_audited_with_ids_only(as_trainer, trainer, curriculum):
    session = curriculum[0]
    url = f"/author/sessions/{session.id}/quiz/questions/new/truefalse"
    as_trainer.post(url, {**common(key="audited", text="Secret words here"), "answer": "true"})
    question = stored("audited")
    as_trainer.post(f"/author/questions/{question.id}/retire", token_from="/author/")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("authoring.question_%"))
    ).all()
    assert [e.action for e in events] == [
        "authoring.question_created",
        "authoring.question_retired",
    ]
    for event in events:
        assert event.actor_id == trainer.id
        assert (event.target_type, event.target_id) == ("question", question.id)
        assert "Secret" not in repr(event.detail)


def test_editing_keeps_the_distractors_and_any_other_answer_feedback_from_gift(
    as_trainer, curriculum
):
    # The form has no rows for these GIFT-imported fields; saving the form keeps them.
    from authoring.test_gift import upload

    session = curriculum[0]
    text = (
        "// [id:g-match]\nMatch each article with its subject. {\n"
        "=Article 3 -> The definition\n=Article 9 -> Prevention\n= -> Extradition\n}\n\n"
        "// [id:g-num]\nHow many WHO principles? {#10 ~#There are ten.}\n"
    )
    assert upload(as_trainer, session, text).status_code == 200
    for key, field, value in (
        ("g-match", "distractors", ["Extradition"]),
        ("g-num", "other_feedback", "There are ten."),
    ):
        question = stored(key)
        page = as_trainer.client.get(f"/author/questions/{question.id}/edit")
        form = _form_values(page.get_data(as_text=True))
        form["name"] = "Edited"
        response = as_trainer.post(f"/author/questions/{question.id}/edit", form)
        assert response.status_code == 303, response.get_data(as_text=True)
        spec = stored(key).spec
        assert spec["name"] == "Edited" and spec[field] == value
        assert spec["format"] == "moodle"  # the unmarked GIFT text keeps its format
