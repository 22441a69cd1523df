"""The downloaded session opens from disk in Chromium, network off, and shows its readings."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import PASSWORD, enrol, make_cohort, make_user
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.i18n.content import session_texts
from portal.learning import content_files
from portal.learning.models import CurriculumSession, Reading

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def learner(live_app) -> dict:
    with live_app.app_context():
        content_files.import_curriculum(CONTENT)
        user = make_user(display_name="Offline reader (fictional)", language="ur")
        enrol(user, make_cohort("June workshop (fictional)"))
        db.session.commit()
        titles = {}
        for number in (1, 6):
            session = db.session.scalar(
                select(CurriculumSession).where(CurriculumSession.number == number)
            )
            urdu = session_texts(number, "ur")  # translated titles where they exist
            titles[number] = [
                urdu.reading(r.slug, "title", r.title)
                for r in db.session.scalars(select(Reading).where(Reading.session_id == session.id))
            ]
        return {"email": user.email, "titles": titles}


@pytest.mark.parametrize("number", [1, 6])
def test_offline_file_opens_from_disk_without_network(
    page, new_context, live_app, learner, tmp_path, number
):
    page.goto("/login")
    page.get_by_label("E-mail address").fill(learner["email"])
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="سائن آؤٹ")).to_be_visible()  # "Sign out"

    download = page.request.get(f"/sessions/{number}/offline.html")
    assert download.ok
    body = download.body()
    assert len(body) < 150 * 1024
    copy = tmp_path / f"session-{number}.html"
    copy.write_bytes(body)

    offline = new_context(
        offline=True, java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    reader = offline.new_page()
    requested: list[str] = []
    reader.on("request", lambda request: requested.append(request.url))
    reader.goto(copy.as_uri())
    expect(reader.locator("html")).to_have_attribute("dir", "rtl")
    for title in learner["titles"][number]:
        expect(reader.get_by_role("heading", level=2, name=title)).to_be_visible()
    assert requested == [copy.as_uri()], "the file asked for something beyond itself"
    widths = reader.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1]
    reader.emulate_media(media="print")
    expect(reader.locator("ol.toc")).to_be_hidden()
