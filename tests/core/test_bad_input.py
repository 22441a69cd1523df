"""No 500 from bad input, on any route, for any persona (issue 7, item 7).

Routes are discovered from the URL map, so a route added later is covered too. Each route
gets ids beyond the 64-bit range in its path, hostile query parameters (page, after,
quote, cohort beyond 64 bits, NUL), and, for form posts, NUL in every field, huge numbers,
a JSON body and file parts. A 4xx is a fine answer; a 5xx is a defect.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from conftest import Browserless
from discussion.conftest import board_for, make_thread
from factories import enrol, make_cohort, make_invitation, make_user
from learning.builders import make_quiz, make_session
from sqlalchemy import select

from portal.cohorts.models import Membership
from portal.database import utcnow
from portal.extensions import db
from portal.learning.models import AssessmentWindow, Question, QuizAttempt

HUGE = str(2**70)
BAD_QUERY = {
    "page": HUGE,
    "after": HUGE,
    "quote": HUGE,
    "cohort": HUGE,
    "q": "needle\x00",
    "next": "/\x00",
    "code": "X\x00",
}
NEGATIVE_QUERY = {"page": "-" + HUGE, "after": "-" + HUGE, "quote": str(2**63), "cohort": "-1"}
FIELD_NAME = re.compile(r'\bname="([^"]+)"')
# Signing out ends the persona's session: those routes run last.
LAST = ("accounts.sign_out_everywhere", "accounts.logout", "accounts.delete")


@pytest.fixture
def world(app):
    cohort = make_cohort("Fuzz cohort (fictional)")
    participant = make_user("participant", display_name="Fuzz Participant")
    trainer = make_user("trainer", display_name="Fuzz Trainer")
    admin = make_user("admin", display_name="Fuzz Admin")
    member = enrol(participant, cohort)
    enrol(trainer, cohort, "trainer")
    invitation = make_invitation(cohort)
    session = make_session(1)
    quiz = make_quiz(session, questions=3)
    board = board_for(cohort)
    thread, posts = make_thread(board, participant, replies=[(trainer, "A reply by the trainer.")])
    post = posts[0]
    question_ids = list(db.session.scalars(select(Question.id).where(Question.quiz_id == quiz.id)))
    attempt = QuizAttempt(quiz_id=quiz.id, user_id=participant.id, question_ids=question_ids)
    window = AssessmentWindow(
        cohort_id=cohort.id,
        quiz_id=quiz.id,
        phase="pre",
        opens_at=utcnow() - timedelta(days=1),
        closes_at=utcnow() + timedelta(days=1),
    )
    db.session.add_all([attempt, window])
    db.session.commit()
    return {
        "personas": {"participant": participant, "trainer": trainer, "admin": admin},
        "ids": {
            "cohort_id": cohort.id,
            "user_id": participant.id,
            "member_id": db.session.get(Membership, member.id).id,
            "invitation_id": invitation.id,
            "board_id": board.id,
            "thread_id": thread.id,
            "post_id": post.id,
            "session_id": session.id,
            "number": session.number,
            "reading_id": session.id,
            "question_id": question_ids[0],
            "attempt_id": attempt.id,
            "window_id": window.id,
            "index": 0,
        },
        "strings": {
            "slug": "reading-1",
            "kind": "true_false",
            "token": "not-a-token",
            "code": "NOT-A-CODE",
        },
    }


def _routes(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    return sorted(
        rules,
        key=lambda r: (
            r.endpoint in LAST,
            LAST.index(r.endpoint) if r.endpoint in LAST else 0,
            r.rule,
        ),
    )


def _url(rule, values: dict) -> str:
    """The rule's path with its arguments filled from `values` (any(...) takes its first option)."""

    def fill(match):
        converter, name = match.group(1), match.group(2)
        if converter and converter.startswith("any("):
            return converter[4:].split(",")[0].strip()
        # A route whose argument has no seeded object gets a plausible small id (or the
        # huge one): the point is that no route answers 5xx, not which object it finds.
        return str(values.get(name, values["__default__"]))

    return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", fill, rule.rule)


def _real(world):
    return {**world["ids"], **world["strings"], "__default__": 1}


def _huge(world):
    return {**{k: HUGE for k in world["ids"]}, **world["strings"], "__default__": HUGE}


def _check(failures, response, method, url, what):
    # Read the whole body (a streamed download fails inside its generator, not before)
    # and close the response, which ends the request's contexts.
    try:
        response.get_data()
    except Exception as error:  # any failure while streaming is a 5xx
        failures.append(f"stream error {method} {url} ({what}): {error!r}")
    finally:
        response.close()
    if response.status_code >= 500:
        failures.append(f"{response.status_code} {method} {url} ({what})")


def _fuzz(app, web: Browserless) -> list[str]:
    failures: list[str] = []
    client = web.client
    world = app.config["_FUZZ_WORLD"]
    token = web.token(
        "/"
        if client.get_cookie("session") and client.get("/account/profile").status_code == 200
        else "/login"
    )
    for rule in _routes(app):
        methods = rule.methods - {"HEAD", "OPTIONS"}
        for values in (_huge(world), _real(world)):
            url = _url(rule, values)
            is_real = values["cohort_id"] != HUGE
            names: set[str] = {"title", "body", "name", "email", "display_name", "file"}
            if "GET" in methods:
                response = client.get(url)
                _check(failures, response, "GET", url, "plain")
                if response.status_code == 200 and response.mimetype == "text/html":
                    names |= set(FIELD_NAME.findall(response.get_data(as_text=True)))
                if is_real:
                    for query in (BAD_QUERY, NEGATIVE_QUERY):
                        _check(failures, client.get(url, query_string=query), "GET", url, "query")
            if "POST" not in methods:
                continue
            names.discard("csrf_token")
            posts = [("NUL in every field", {n: "text\x00\r\nmore" for n in names})]
            if is_real:
                posts.append(("huge numbers", {n: HUGE for n in names}))
            for what, data in posts:
                data["csrf_token"] = token
                _check(failures, client.post(url, data=data), "POST", url, what)
            if not is_real:
                continue
            json_body = client.post(
                url, json={n: {"nested": [1, 2]} for n in names}, headers={"X-CSRFToken": token}
            )
            _check(failures, json_body, "POST", url, "JSON body")
            files = {n: (io.BytesIO(b"\x00\xff binary"), "x.bin") for n in names}
            files["csrf_token"] = token
            multipart = client.post(url, data=files, content_type="multipart/form-data")
            _check(failures, multipart, "POST", url, "file parts")
    return failures


@pytest.mark.parametrize("persona", ["visitor", "participant", "trainer", "admin"])
def test_no_route_answers_5xx_to_bad_input(app, world, persona):
    app.config["_FUZZ_WORLD"] = world
    web = Browserless(app.test_client())
    if persona != "visitor":
        assert web.login(world["personas"][persona].email).status_code == 303
    assert len(_routes(app)) > 80
    failures = _fuzz(app, web)
    if failures:
        pytest.fail(f"{len(failures)} answers of 5xx:\n" + "\n".join(failures), pytrace=False)
