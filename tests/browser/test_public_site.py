"""The public home, the four Get involved forms and the inbox in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser.helpers import check_page
from factories import make_cohort, make_user
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.enquiries.models import Enquiry
from portal.extensions import db
from portal.learning import content_files
from portal.seed import ensure_countries_trained

CONTENT = Path(__file__).resolve().parents[2] / "content"
# The live app keeps the default minimum fill time; a person takes at least this long.
PERSON_MS = 3_200

FILL = {
    "workshop": [
        ("label", "Organisation", "Fictional Ministry of Social Welfare"),
        ("select", "Type of organisation", "national_government"),
        ("select", "Country", "TH"),
        ("label", "Your role", "Case worker"),
        ("label", "Why would you like to take part?", "To refer people better."),
    ],
    "curriculum": [],
    "present": [
        ("label", "Organisation", "Fictional Legal Aid Centre"),
        ("label", "Your expertise", "Non-punishment casework."),
        ("check", "2. ", None),
    ],
    "secondment": [
        ("select", "Member state", "ID"),
        ("label", "Agency", "Fictional Directorate"),
        ("label", "Duration of the secondment", "Six months"),
    ],
}
TITLES = {
    "workshop": "Take part in a workshop",
    "curriculum": "Receive the curriculum",
    "present": "Offer to present",
    "secondment": "Second staff",
}


@pytest.fixture(params=["page", "page_nojs"], ids=["js", "nojs"])
def any_page(request) -> Page:
    return request.getfixturevalue(request.param)


@pytest.fixture
def shipped(live_app):
    with live_app.app_context():
        content_files.import_curriculum(CONTENT)
        ensure_countries_trained()
        db.session.commit()
        for _ in range(5):
            make_user(country="FJ")
        make_cohort("Suva workshop (fictional)", is_published=True)
        make_cohort("Hidden draft workshop (fictional)")


def test_home_page(any_page: Page, shipped):
    page = any_page
    page.goto("/")
    expect(page.get_by_role("heading", name="Eleven sessions")).to_be_visible()
    expect(page.get_by_text("Suva workshop (fictional)")).to_be_visible()
    expect(page.get_by_text("Hidden draft workshop")).to_have_count(0)
    expect(page.get_by_role("img", name="Bar chart of portal members by country")).to_be_visible()
    expect(page.get_by_text("Fiji: 5 members")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Concept introduction", exact=False).first.click()
    expect(page).to_have_url(re.compile(r"/sessions/1$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Concept introduction")
    check_page(page)


def _fill(page: Page, kind: str, name: str, email: str) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("E-mail address").fill(email)
    for how, label, value in FILL[kind]:
        if how == "label":
            page.get_by_label(label, exact=True).fill(value)
        elif how == "select":
            page.get_by_label(label, exact=True).select_option(value)
        else:
            page.get_by_label(label).first.check()


@pytest.mark.parametrize("kind", list(FILL))
def test_enquiry_form(any_page: Page, live_app, shipped, kind):
    page = any_page
    page.goto("/get-involved")
    check_page(page)
    page.get_by_role("link", name=TITLES[kind]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLES[kind])
    check_page(page)
    # First a mistake: the address is wrong; everything typed stays.
    _fill(page, kind, "Malia Fictional", "not-an-address")
    page.wait_for_timeout(PERSON_MS)
    page.locator("main").get_by_role("button", name="Send").click()
    expect(page.get_by_text("Invalid email address.")).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Malia Fictional")
    check_page(page)
    page.get_by_label("E-mail address").fill("malia@example.test")
    page.wait_for_timeout(PERSON_MS)
    page.locator("main").get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you: your enquiry is sent")).to_be_visible()
    check_page(page)
    with live_app.app_context():
        stored = db.session.scalars(select(Enquiry)).all()
        assert [(e.kind, e.email, e.name) for e in stored] == [
            (kind, "malia@example.test", "Malia Fictional")
        ]


def test_inbox_filters_in_place(page: Page, live_app, live_server):
    with live_app.app_context():
        admin = make_user("admin")
        for kind in ("workshop", "secondment"):
            db.session.add(
                Enquiry(kind=kind, name=f"Fictional {kind}", email=f"{kind}@example.test")
            )
        db.session.commit()
        email = admin.email
    from factories import PASSWORD

    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Enquiries").click()
    expect(page.get_by_text("2 enquiries")).to_be_visible()
    check_page(page)
    page.evaluate("window.sameDocument = true")
    page.get_by_label("Type").select_option("secondment")
    with page.expect_request(lambda r: r.headers.get("hx-request") == "true") as filtered:
        page.get_by_role("button", name="Filter").click()
    assert filtered.value.headers.get("hx-target") == "enquiry-rows"
    expect(page.get_by_text("1 enquiry", exact=True)).to_be_visible()
    assert page.evaluate("window.sameDocument === true")  # swapped in place, no new page
    expect(page).to_have_url(f"{live_server}/enquiries?kind=secondment&status=")
    page.get_by_role("link", name="E-").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Second staff")
    check_page(page)
