"""The public site: home with true figures, published cohorts only, pages for trust, PDF cover."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from factories import make_cohort, make_user
from measure import count_statements, page_weight
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.cohorts.models import Cohort
from portal.extensions import db
from portal.public.models import BROCHURE_COUNTRIES, CountryTrained
from portal.seed import ensure_countries_trained

CONTENT = Path(__file__).resolve().parents[2] / "content"
PUBLIC_PAGES = [
    "/",
    "/about",
    "/contact",
    "/privacy",
    "/protecting-participants",
    "/curriculum",
    "/get-involved",
    "/get-involved/workshop",
    "/get-involved/curriculum",
    "/get-involved/present",
    "/get-involved/secondment",
]


@pytest.fixture
def shipped(shipped_curriculum):
    ensure_countries_trained()
    db.session.commit()


def home(client) -> str:
    return client.get("/").get_data(as_text=True)


def test_home_shows_the_programme_and_the_ways_in(client, shipped):
    page = home(client)
    assert "Four training objectives" in page and "Human security" in page
    for number in range(1, 12):
        assert f'href="/sessions/{number}"' in page
    assert 'href="/curriculum.pdf"' in page
    assert 'href="/login"' in page and 'href="/signup"' in page
    assert 'href="/get-involved"' in page
    assert "International Organization for Migration" in page
    assert "Regional Support Office of the Bali Process (RSO) and CIFAL Jeju" in page  # content/


def test_countries_trained_start_with_the_brochures_thirteen(client, shipped):
    page = home(client)
    assert "trained people from 13 countries" in page
    for name in ("Bangladesh", "Maldives", "Mongolia", "Pakistan", "Thailand", "South Korea"):
        assert f"<li>{name}</li>" in page
    assert len(BROCHURE_COUNTRIES) == 13


def test_seeding_the_countries_twice_adds_nothing(app, shipped):
    assert ensure_countries_trained() == 0
    assert len(db.session.scalars(select(CountryTrained)).all()) == 13


def test_admin_edits_the_countries_record(as_admin, admin, shipped):
    web = as_admin
    response = web.post("/programme/countries", {"country": "LK"})
    assert response.status_code == 303
    assert "<li>Sri Lanka</li>" in home(web.client)
    row = db.session.scalar(select(CountryTrained).where(CountryTrained.code == "MN"))
    response = web.post(f"/programme/countries/{row.id}/remove", token_from="/programme/countries")
    assert response.status_code == 303
    page = home(web.client)
    assert "<li>Mongolia</li>" not in page and "trained people from 13 countries" in page
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == admin.id))
    assert {"country_trained.added", "country_trained.removed"} <= set(actions)
    assert web.post("/programme/countries", {"country": "XX"}).status_code == 400


def test_only_admins_edit_the_countries_record(as_trainer, client, shipped):
    assert as_trainer.client.get("/programme/countries").status_code == 404
    row = db.session.scalar(select(CountryTrained))
    response = as_trainer.post(
        f"/programme/countries/{row.id}/remove", token_from="/get-involved/curriculum"
    )
    assert response.status_code == 404
    assert db.session.get(CountryTrained, row.id) is not None


def test_anonymous_visitor_is_sent_to_sign_in_for_the_record(client):
    response = client.get("/programme/countries")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_member_countries_appear_only_from_five_people(client, shipped):
    for _ in range(4):
        make_user(country="FJ")
    make_user(country="FJ", show_country=False)  # chose to hide the country: not counted
    page = home(client)
    assert "Fiji" not in page and "Where portal members come from" not in page
    make_user(country="FJ")
    page = home(client)
    assert "Where portal members come from" in page
    assert "Fiji: 5 members" in page
    svg = re.search(r"<svg class=\"chart\".*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and ">Fiji<" in svg


def test_deleted_and_disabled_accounts_are_not_counted(client, shipped):
    from portal.database import utcnow

    for _ in range(4):
        make_user(country="TO")
    make_user(country="TO", is_enabled=False)
    make_user(country="TO", deleted_at=utcnow())
    assert "Tonga" not in home(client)


def test_a_draft_cohort_appears_nowhere_public(app, client, shipped):
    make_cohort("Secret draft workshop (fictional)")
    for path in PUBLIC_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Secret draft workshop" not in response.get_data(as_text=True), path
    assert "No workshop is announced yet." in home(client)


def test_published_cohorts_show_upcoming_and_past(client, shipped):
    today = date.today()
    make_cohort("Coming workshop (fictional)", is_published=True)
    make_cohort(
        "Earlier workshop (fictional)",
        is_published=True,
        elearning_opens=today - timedelta(days=90),
        workshop_start=today - timedelta(days=60),
        workshop_end=today - timedelta(days=56),
        alumni_from=today - timedelta(days=55),
    )
    page = home(client)
    upcoming, _, past = page.partition("<h3>Held</h3>")
    assert "Coming workshop (fictional)" in upcoming and "Earlier workshop" not in upcoming
    assert "Earlier workshop (fictional)" in past and "held " in past


def test_admin_publishes_and_withdraws_a_cohort(as_admin, admin, client):
    cohort = make_cohort("Publishable workshop (fictional)")
    assert cohort.is_published is False
    path = f"/cohorts/{cohort.id}"
    assert "Draft: not shown publicly" in as_admin.client.get(path).get_data(as_text=True)
    assert as_admin.post(f"{path}/publish", {"publish": "1"}, token_from=path).status_code == 303
    db.session.refresh(cohort)
    assert cohort.is_published
    assert "Publishable workshop (fictional)" in home(client)
    assert as_admin.post(f"{path}/publish", {"publish": "0"}, token_from=path).status_code == 303
    db.session.refresh(cohort)
    assert not cohort.is_published
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_id == cohort.id).order_by(AuditEvent.id)
    )
    assert ["cohort.published", "cohort.unpublished"] == [
        a for a in actions if a.startswith("cohort.")
    ]


def test_trainers_cannot_publish(as_trainer, cohort):
    path = f"/cohorts/{cohort.id}"
    page = as_trainer.client.get(path).get_data(as_text=True)
    assert "Publish on the public site" not in page
    assert as_trainer.post(f"{path}/publish", {"publish": "1"}, token_from=path).status_code == 403
    db.session.refresh(cohort)
    assert not cohort.is_published


def test_other_trainers_get_404_on_publish(web, cohort):
    other = make_user("trainer")
    web.login(other.email)
    response = web.post(
        f"/cohorts/{cohort.id}/publish", {"publish": "1"}, token_from="/get-involved/curriculum"
    )
    assert response.status_code == 404


def test_new_cohorts_are_drafts(as_admin):
    data = {
        "name": "Fresh workshop (fictional)",
        "elearning_opens": "2030-01-01",
        "workshop_start": "2030-02-01",
        "workshop_end": "2030-02-05",
        "alumni_from": "2030-02-06",
    }
    assert as_admin.post("/cohorts/new", data).status_code == 303
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Fresh workshop (fictional)"))
    assert cohort.is_published is False


def test_pages_for_trust(app, client):
    about = client.get("/about").get_data(as_text=True)
    assert "CIFAL Jeju" in about and "KOICA" in about
    contact = client.get("/contact").get_data(as_text=True)
    assert "mailto:info@rso.baliprocess.net" in contact and "Bangkok 10120" in contact
    privacy = client.get("/privacy").get_data(as_text=True)
    days = app.config["ENQUIRY_RETENTION_DAYS"]
    assert f"deleted {days} days after they arrive" in privacy
    assert "Argon2id" in privacy and "no analytics" in privacy
    protection = client.get("/protecting-participants").get_data(as_text=True)
    for words in (
        "Identifiers are checked",
        "Pseudonyms",
        "Redaction",
        "at least 5",
        "third-party",
    ):
        assert words in protection
    footer = home(client)
    assert 'href="/privacy"' in footer and 'href="/protecting-participants"' in footer


def test_privacy_notice_follows_the_retention_setting(make_app):
    app = make_app(ENQUIRY_RETENTION_DAYS=90)
    with app.app_context():
        page = app.test_client().get("/privacy").get_data(as_text=True)
    assert "deleted 90 days after they arrive" in page


def test_curriculum_pdf_has_a_cover(client, shipped):
    from learning.test_learning_path import inflate_streams

    response = client.get("/curriculum.pdf")
    assert response.status_code == 200
    inflated = inflate_streams(response.get_data())
    for title in (b"The programme", b"Partner and resource organisations", b"How to get involved"):
        assert b"/Title (" + title in inflated
    assert inflated.index(b"/Title (How to get involved") < inflated.index(b"/Title (Session 1:")


def test_home_within_cold_budget_with_real_content(client, shipped):
    for _ in range(6):
        make_user(country="VN")
    make_cohort("Budget workshop (fictional)", is_published=True)
    weight = page_weight(client, "/")
    assert weight.requests <= 6, weight.sizes
    assert weight.bytes <= 50 * 1024, weight.sizes
    assert weight.other_hosts == []


@pytest.mark.parametrize("people", [10, 300])
def test_home_statement_count_does_not_grow(app, client, shipped, people):
    for n in range(people):
        make_user(country=("VN", "LA", "KH")[n % 3])
    for n in range(3):
        make_cohort(f"Counted workshop {n} (fictional)", is_published=True)
    with count_statements(app) as log:
        assert client.get("/").status_code == 200
    assert log.count <= 8, log.statements


@pytest.mark.parametrize("kind", ["workshop", "curriculum", "present", "secondment"])
def test_enquiry_forms_within_cold_budget(client, shipped, kind):
    weight = page_weight(client, f"/get-involved/{kind}")
    assert weight.requests <= 6 and weight.bytes <= 50 * 1024, weight.sizes
