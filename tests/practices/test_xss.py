"""The hostile-input corpus through every free-text field of practices and comments:
stored, sanitised, and shown without active content."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from discussion.test_xss import Inspector
from sqlalchemy import select
from xss_corpus import HOSTILE_INPUTS

from portal.extensions import db
from portal.practices import services
from portal.practices.models import Practice, PracticeComment
from practices.conftest import COMPLETE, form_fields, sign_in

POSTABLE = [text for text in HOSTILE_INPUTS if len(text) <= 5_000]


class PageInspector(HTMLParser):
    """Active content anywhere in a whole page: scripts other than ours, event handlers,
    script URLs, htmx attributes outside the portal's own widgets."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "iframe", "object", "embed", "base", "meta", "link", "style"):
            source = attrs.get("src") or attrs.get("href") or ""
            if not (source.startswith("/static/") or tag == "meta"):
                self.problems.append(f"tag {tag}")
            if tag == "meta" and attrs.get("http-equiv"):
                self.problems.append("meta http-equiv")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"{name} on {tag}")
            if name in ("href", "src", "action", "formaction") and re.match(
                r"\s*(javascript|data|vbscript):", value or "", re.I
            ):
                self.problems.append(f"url {value}")
            if name.startswith(("hx-", "data-hx-")) and name not in (
                "hx-boost",
                "hx-headers",
                "hx-get",
                "hx-post",
                "hx-target",
                "hx-swap",
                "hx-push-url",
                "hx-trigger",
            ):
                self.problems.append(f"{name} on {tag}")
            if name in ("hx-get", "hx-post") and not (value or "").startswith("/practices/"):
                self.problems.append(f"{name}={value}")


def test_the_page_inspector_finds_active_content():
    assert inspect_page('<img src=x onerror="alert(1)">') == ["onerror on img"]
    assert inspect_page('<a href=" javascript:alert(1)">x</a>') == ["url  javascript:alert(1)"]
    assert inspect_page("<script>alert(1)</script>") == ["tag script"]
    assert inspect_page('<div hx-get="https://evil.example/">') == ["hx-get=https://evil.example/"]


def inspect_page(html: str) -> list[str]:
    inspector = PageInspector()
    inspector.feed(html)
    return inspector.problems


def _submit_anyway(web, path, fields):
    response = web.post(path, fields, token_from="/practices/new")
    if response.status_code == 422:
        confirm = re.search(
            r'name="confirm" type="hidden" value="([^"]+)"', response.get_data(True)
        )
        edit = re.search(r'action="(/practices/\d+/edit)"', response.get_data(True)).group(1)
        response = web.post(
            edit,
            {**fields, "action": "submit_anyway", "confirm": confirm.group(1)},
            token_from="/practices/new",
        )
    return response


def test_every_hostile_input_in_every_practice_field(web, people):
    """Each input goes into the title, summary, description, results and lessons of one
    practice, submitted through the form; a trainer publishes it with the input as the
    review comment; the practice page and the library show no active content."""
    sign_in(web, people.author)
    for index, text in enumerate(POSTABLE):
        fields = form_fields(
            {
                **COMPLETE,
                "title": (text.strip() or f"blank {index}")[:160].replace("\x00", ""),
                "summary": text[:600],
                "description": text,
                "results": text,
                "lessons": text,
            },
            action="submit",
            token=f"x{index}",
        )
        response = _submit_anyway(web, "/practices/new", fields)
        assert response.status_code in (303, 400), (index, response.status_code)
    practices = db.session.scalars(select(Practice).where(Practice.status == "submitted")).all()
    assert len(practices) >= len(POSTABLE) - 10  # only titles blank after cleaning are refused
    for practice in practices:
        services.publish(people.trainer, practice, practice.description)
        for name in ("description_html", "results_html", "lessons_html"):
            inspector = Inspector()
            inspector.feed(getattr(practice, name))
            assert not inspector.problems, (practice.description[:80], inspector.problems)
        assert "\n" not in practice.title and "\x00" not in practice.title
    # The author sees the page with the review history too.
    for practice in practices:
        html = web.client.get(f"/practices/{practice.id}").get_data(as_text=True)
        assert not inspect_page(html), (practice.description[:80], inspect_page(html))
    for page in range(1, len(practices) // 10 + 2):
        html = web.client.get(f"/practices/?page={page}").get_data(as_text=True)
        assert not inspect_page(html), page
    html = web.client.get("/practices/mine").get_data(as_text=True)
    assert not inspect_page(html)


def test_every_hostile_input_as_a_comment(web, people):
    practice = services.save(
        people.author, None, __import__("practices.conftest").conftest.data_from(COMPLETE)
    )
    services.submit(people.author, practice)
    services.publish(people.trainer, practice)
    sign_in(web, people.trainer_b)  # staff are not paced
    path = f"/practices/{practice.id}"
    for index, text in enumerate(POSTABLE):
        data = {"body": text, "token": f"c{index}"}
        response = web.post(f"{path}/comments", data, token_from=path)
        if response.status_code == 422:
            confirm = re.search(
                r'name="confirm" type="hidden" value="([^"]+)"', response.get_data(True)
            )
            response = web.post(
                f"{path}/comments",
                {**data, "confirm": confirm.group(1), "anyway": "1"},
                token_from=path,
            )
        assert response.status_code in (303, 400), (index, response.status_code)
    comments = db.session.scalars(select(PracticeComment)).all()
    assert len(comments) >= len(POSTABLE) - 5
    for comment in comments:
        inspector = Inspector()
        inspector.feed(comment.body_html)
        assert not inspector.problems, (comment.body[:80], inspector.problems)
    web.logout()
    sign_in(web, people.peer)
    html = web.client.get(path).get_data(as_text=True)
    assert not inspect_page(html), inspect_page(html)
