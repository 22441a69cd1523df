"""Account journeys in a real browser, with JavaScript on (htmx) and off."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser.helpers import assert_no_csp_errors, check_axe, check_page, csp_errors
from factories import PASSWORD, enrol, mailed_link, make_cohort, make_invitation, make_user
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.cohorts.models import Membership
from portal.extensions import db
from portal.learning import content_files
from portal.learning.models import Partner

CONTENT = Path(__file__).resolve().parents[2] / "content"

WRONG_LOGIN = "The e-mail address or password is not correct."


@pytest.fixture(params=["page", "page_nojs"], ids=["js", "nojs"])
def any_page(request) -> Page:
    """The same journey with JavaScript on (htmx boosts it) and off (plain HTML)."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def member(live_app) -> dict:
    """A participant enrolled nowhere yet, as plain values the test thread can keep."""
    with live_app.app_context():
        user = make_user(display_name="Amihan Test")
        return {"id": user.id, "email": user.email}


def nav(page: Page):
    """The main navigation in the site header."""
    return page.get_by_role("navigation", name="Main")


def submit(page: Page, label: str) -> None:
    """Press the form button with this label in the page's main content."""
    page.locator("main").get_by_role("button", name=label).click()


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill in and send the sign-in form."""
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    submit(page, "Sign in")


def expect_signed_in(page: Page) -> None:
    """The nav offers "Sign out" and no longer "Sign in"."""
    expect(nav(page).get_by_role("button", name="Sign out")).to_be_visible()
    expect(nav(page).get_by_role("link", name="Sign in")).to_have_count(0)


def test_sign_up_with_an_invitation_code(any_page, live_app, live_server):
    page = any_page
    with live_app.app_context():
        cohort = make_cohort("June workshop (fictional)")
        make_invitation(cohort, code="JUNE-FICTION-01")
        cohort_id = cohort.id

    page.goto("/")
    check_page(page)
    page.get_by_role("link", name="Join with your invitation code").click()
    expect(page).to_have_url(f"{live_server}/signup")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    check_page(page)

    page.get_by_label("Invitation code").fill("JUNE-FICTION-01")
    page.get_by_label("E-mail address").fill("amihan@example.test")
    submit(page, "Send me the link")
    expect(page).to_have_url(f"{live_server}/signup/sent")
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    check_page(page)
    with live_app.app_context():
        link = mailed_link("amihan@example.test", "/signup/confirm/")

    page.goto(link)
    expect(page.get_by_text("Your account for amihan@example.test joins")).to_be_visible()
    page.get_by_label("Display name").fill("Amihan Test")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD + " typo")
    submit(page, "Create account")
    expect(page.get_by_text("The passwords differ.")).to_be_visible()
    expect(page.get_by_label("Repeat the password")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Display name")).to_have_value("Amihan Test")
    check_page(page)

    page.get_by_label("Country", exact=True).select_option("PH")
    page.get_by_label("Organisation", exact=True).fill("Fictional Shelter Network")
    page.get_by_label("Type of organisation").select_option("ngo")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    submit(page, "Create account")

    expect(page).to_have_url(f"{live_server}/progress")
    expect(page.get_by_role("status")).to_contain_text(
        "Welcome, Amihan Test. Your account is ready."
    )
    expect_signed_in(page)
    check_page(page)
    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "amihan@example.test"))
        assert (user.display_name, user.country, user.organisation_type) == (
            "Amihan Test",
            "PH",
            "ngo",
        )
        member = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        assert (member.cohort_id, member.role) == (cohort_id, "participant")


def test_log_in_after_a_wrong_password(any_page, member, live_server):
    page = any_page
    typed = member["email"].capitalize()
    page.goto("/")
    nav(page).get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(f"{live_server}/login")
    check_page(page)

    page.get_by_label("E-mail address").fill(typed)
    page.get_by_label("Password", exact=True).fill("not the password at all")
    submit(page, "Sign in")
    expect(page.get_by_role("alert")).to_have_text(WRONG_LOGIN)
    expect(page.get_by_label("E-mail address")).to_have_value(typed)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(nav(page).get_by_role("link", name="Sign in")).to_be_visible()
    check_page(page)

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    submit(page, "Sign in")
    expect(page).to_have_url(f"{live_server}/progress")
    expect_signed_in(page)
    expect(page.get_by_role("alert")).to_have_count(0)
    check_page(page)


def test_edit_the_profile(any_page, member, live_app, live_server):
    page = any_page
    sign_in(page, member["email"])
    expect_signed_in(page)
    nav(page).get_by_role("link", name="Profile").click()
    expect(page).to_have_url(f"{live_server}/account/profile")
    expect(page.get_by_text(f"Signed in as {member['email']}.")).to_be_visible()
    check_page(page)

    page.get_by_label("Display name").fill("Amihan R. (fictional)")
    page.get_by_label("Country", exact=True).select_option("TH")
    page.get_by_label("Organisation", exact=True).fill("Fictional Migrant Help Desk")
    page.get_by_label("Show my organisation to other participants").check()
    submit(page, "Save profile")
    expect(page.get_by_role("status")).to_have_text("Your profile is saved.")
    check_page(page)

    page.reload()
    expect(page.get_by_role("status")).to_have_count(0)
    expect(page.get_by_label("Display name")).to_have_value("Amihan R. (fictional)")
    expect(page.get_by_label("Country", exact=True)).to_have_value("TH")
    expect(page.get_by_label("Organisation", exact=True)).to_have_value(
        "Fictional Migrant Help Desk"
    )
    expect(page.get_by_label("Show my organisation to other participants")).to_be_checked()
    assert_no_csp_errors(page)
    with live_app.app_context():
        user = db.session.get(User, member["id"])
        assert (user.display_name, user.country, user.organisation) == (
            "Amihan R. (fictional)",
            "TH",
            "Fictional Migrant Help Desk",
        )
        assert user.show_organisation is True


def test_log_out_from_the_nav(any_page, member, live_server):
    page = any_page
    sign_in(page, member["email"])
    expect_signed_in(page)

    nav(page).get_by_role("button", name="Sign out").click()
    expect(nav(page).get_by_role("link", name="Sign in")).to_be_visible()
    expect(nav(page).get_by_role("button", name="Sign out")).to_have_count(0)
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    check_page(page)

    page.goto("/account/profile")
    expect(page).to_have_url(f"{live_server}/login?next=%2Faccount%2Fprofile")
    assert_no_csp_errors(page)


def test_account_pages_pass_axe(page, member, live_server):
    page.goto("/password/forgot")
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    check_page(page)
    page.goto("/password/reset/not-a-real-token")
    expect(page.get_by_role("alert")).to_contain_text("This link has expired")
    check_page(page)

    sign_in(page, member["email"])
    expect_signed_in(page)
    for path, heading in [
        ("/account/profile", "Your profile"),
        ("/account/password", "Change your password"),
        ("/account/delete", "Delete your account"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        check_page(page)

    page.get_by_label("Your password").fill("not the password at all")
    submit(page, "Delete my account")
    expect(page.get_by_text("This field is required.")).to_be_visible()
    check_page(page)
    page.get_by_label("Your password").fill("not the password at all")
    page.get_by_label("I understand").check()
    submit(page, "Delete my account")
    expect(page.get_by_role("alert")).to_have_text("Your password is not correct.")
    check_page(page)


def test_home_page_with_the_programme_passes_axe(page, live_app):
    with live_app.app_context():
        content_files.import_curriculum(CONTENT)
        db.session.add_all(
            [
                Partner(code="FICT", name="Fictional Partner Office", url="https://example.org/"),
                Partner(code="NOURL", name="Partner Without a Site", position=1),
            ]
        )
        db.session.commit()
        cohort = make_cohort(
            "Bangkok workshop (fictional)", sponsor="A fictional donor", is_published=True
        )
        enrol(make_user(country="TH"), cohort)
    page.goto("/")
    expect(page.get_by_role("heading", name="Four training objectives")).to_be_visible()
    expect(page.get_by_text("Bangkok workshop (fictional)")).to_be_visible()
    expect(page.get_by_role("link", name="Fictional Partner Office")).to_be_visible()
    check_page(page)


def test_navigation_goes_through_htmx(page, member, live_server):
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.goto("/")
    config = json.loads(page.locator('meta[name="htmx-config"]').get_attribute("content") or "{}")
    assert config["historyCacheSize"] == 0
    assert config["refreshOnHistoryMiss"] is True
    page.wait_for_function("window.htmx !== undefined")
    assert page.evaluate("htmx.config.historyCacheSize") == 0
    # A full page load would forget this; a boosted swap keeps the same document.
    page.evaluate("window.sameDocument = true")

    nav(page).get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(f"{live_server}/login")
    expect(page).to_have_title("Sign in · VCA Portal")
    response = _boosted(requests, "GET", "/login").response()
    assert "HX-Request" in (response.header_value("vary") or "")

    page.get_by_label("E-mail address").fill(member["email"])
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    submit(page, "Sign in")
    expect_signed_in(page)
    _boosted(requests, "POST", "/login")

    nav(page).get_by_role("link", name="Profile").click()
    expect(page).to_have_url(f"{live_server}/account/profile")
    _boosted(requests, "GET", "/account/profile")
    assert page.evaluate("window.sameDocument") is True
    assert page.evaluate("localStorage.getItem('htmx-history-cache')") is None
    check_page(page)

    # With no history cache, going back is a miss and htmx loads the page afresh.
    page.go_back()
    expect(page).to_have_url(f"{live_server}/progress")  # where signing in landed
    page.wait_for_function("window.sameDocument === undefined")
    expect_signed_in(page)
    assert_no_csp_errors(page)


def _boosted(requests, method: str, path: str):
    """The htmx request for `method path`, checking it carries htmx's headers."""
    matches = [r for r in requests if r.method == method and r.url.split("?")[0].endswith(path)]
    assert matches, f"no {method} {path} among {[r.url for r in requests]}"
    headers = matches[-1].all_headers()
    assert headers.get("hx-request") == "true", headers
    assert headers.get("hx-boosted") == "true", headers
    assert headers.get("x-csrftoken"), headers
    return matches[-1]


def test_the_checks_catch_problems(page):
    """The harness itself: axe-core and the CSP watch report what they should."""
    page.goto("/")
    check_page(page)
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => {
              const img = document.createElement("img");
              img.src = "/static/img/favicon.svg";
              document.querySelector("main").append(img);
              const script = document.createElement("script");
              script.textContent = "window.inlineRan = true";
              document.body.append(script);
            }"""
        )
    assert page.evaluate("window.inlineRan") is None
    assert any("script-src" in error for error in csp_errors(page)), csp_errors(page)
    with pytest.raises(AssertionError, match="inline script"):
        assert_no_csp_errors(page)
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)"):
        check_axe(page)
