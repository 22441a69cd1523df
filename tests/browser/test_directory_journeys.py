"""The directory and messages in a real browser, JavaScript on and off; axe-clean."""

from __future__ import annotations

import pytest
from browser.conftest import _open_page
from browser.discussion_data import login
from browser.helpers import check_page, has_javascript
from factories import enrol, make_cohort, make_user
from playwright.sync_api import expect

from portal.directory.models import DirectoryEntry
from portal.extensions import db


def build_people(live_app):
    with live_app.app_context():
        cohort = make_cohort("Browser cohort (fictional)")
        seeker = make_user(display_name="Seeker Browser", country="PH")
        shelter = make_user(display_name="Shelter Browser", country="TH")
        office = make_user(display_name="Office Browser", country="ID")
        for user in (seeker, shelter, office):
            enrol(user, cohort)
        db.session.add_all(
            [
                DirectoryEntry(
                    user_id=shelter.id,
                    display_name="Shelter Browser",
                    country="TH",
                    organisation="Invented Shelter",
                    organisation_type="ngo",
                    pillars=",protection,",
                ),
                DirectoryEntry(
                    user_id=office.id,
                    display_name="Office Browser",
                    country="ID",
                    organisation="Invented Office",
                    organisation_type="local_government",
                    pillars=",prosecution,",
                ),
            ]
        )
        db.session.commit()
        return seeker.email, shelter.email


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_find_list_and_message(new_context, live_server, live_app, javascript):
    seeker_email, shelter_email = build_people(live_app)
    page = _open_page(new_context, live_server, javascript=javascript)
    login(page, seeker_email)
    page.goto("/directory/")
    expect(page.locator("#results")).to_contain_text("Office Browser")
    check_page(page)
    page.select_option("#f-country", "TH")
    if not has_javascript(page):
        page.get_by_role("button", name="Show").click()
    expect(page.locator("#results")).not_to_contain_text("Office Browser")
    expect(page.locator("#results")).to_contain_text("Shelter Browser")
    assert "country=TH" in page.url
    # List oneself.
    page.get_by_role("link", name="List yourself").click()
    check_page(page)
    page.select_option("#organisation_type", "national_government")
    page.get_by_label("Partnership").check()
    page.get_by_role("button", name="List me in the directory").click()
    expect(page.locator(".flash")).to_contain_text("You are listed")
    # Write to the shelter.
    page.goto("/directory/?country=TH")
    page.get_by_role("link", name="Send a message to Shelter Browser").click()
    check_page(page)
    page.fill("#msg-body", "How do you work with labour inspectors?")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("labour inspectors")
    check_page(page)
    # The shelter reads it in the inbox and can block.
    other = _open_page(new_context, live_server, javascript=javascript)
    login(other, shelter_email)
    other.goto("/directory/messages")
    expect(other.locator(".conversations")).to_contain_text("1 new")
    check_page(other)
    other.get_by_role("link", name="Seeker Browser").click()
    expect(other.get_by_role("button", name="Block this person")).to_be_visible()
    check_page(other)
