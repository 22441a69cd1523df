"""The Markdown preview: the published pipeline, as an HTMX fragment or with the Preview button."""

from __future__ import annotations

from html.parser import HTMLParser

from sqlalchemy import select

from portal.extensions import db
from portal.learning.models import Reading

HOSTILE = (
    "## Heading\n\n<script>alert(1)</script>[x](javascript:alert(1)) "
    '<a hx-get="/logout" hx-trigger="load">go</a> <img src=x onerror=alert(1)>\n\n*kept*'
)


class Elements(HTMLParser):
    """Every start tag of an HTML text with its attributes."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_preview_fragment_is_sanitised_small_and_varies(as_trainer, curriculum):
    response = as_trainer.post(
        "/author/preview?field=body",
        {"body": HOSTILE},
        token_from="/author/",
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]
    assert len(response.get_data()) <= 5 * 1024
    assert "<html" not in body  # a fragment, not a page
    assert "<h2>Heading</h2>" in body and "<em>kept</em>" in body
    # What survives is inert text: no element, attribute or link carries it.
    tags = Elements(body).tags
    assert {tag for tag, _ in tags} <= {"p", "h2", "em", "div"}
    for _tag, attrs in tags:
        assert not [a for a in attrs if a.startswith(("hx-", "on", "href", "src"))], attrs
    assert "<script" not in body and 'href="javascript' not in body


def test_preview_without_htmx_is_a_page(as_trainer, curriculum):
    response = as_trainer.post(
        "/author/preview?field=text", {"text": "*hi*"}, token_from="/author/"
    )
    assert response.status_code == 200
    assert "<html" in response.get_data(as_text=True)
    assert "<em>hi</em>" in response.get_data(as_text=True)


def test_preview_refuses_unknown_fields(as_trainer, curriculum):
    response = as_trainer.post("/author/preview?field=password", {}, token_from="/author/")
    assert response.status_code == 400


def test_markdown_fields_carry_the_live_preview_attributes(as_trainer, curriculum):
    first, _ = curriculum
    page = as_trainer.client.get(f"/author/sessions/{first.id}/readings/new").get_data(as_text=True)
    assert 'hx-post="/author/preview?field=body"' in page
    assert 'hx-trigger="input changed delay:500ms"' in page
    assert 'hx-target="#body-preview"' in page
    assert 'id="body-preview"' in page


def test_preview_button_without_javascript_renders_the_page_and_saves_nothing(
    as_trainer, curriculum
):
    first, _ = curriculum
    url = f"/author/sessions/{first.id}/readings/new"
    response = as_trainer.post(url, {"title": "Draft", "body": HOSTILE, "action": "preview"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    preview = page[page.index('id="body-preview"') :]
    assert "<h2>Heading</h2>" in preview and "<em>kept</em>" in preview
    assert "<script>alert" not in page  # the textarea keeps it escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'value="Draft"' in page
    assert db.session.scalar(select(Reading).where(Reading.title == "Draft")) is None


def test_question_form_preview_button(as_trainer, curriculum):
    first, _ = curriculum
    url = f"/author/sessions/{first.id}/quiz/questions/new/truefalse"
    response = as_trainer.post(url, {"text": "**Bold** question", "action": "preview"})
    assert response.status_code == 200
    assert "<strong>Bold</strong>" in response.get_data(as_text=True)
