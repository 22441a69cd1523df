"""Profile, password change and reset by e-mail, data export and account deletion."""

import json
import re
from datetime import timedelta

from conftest import Browserless
from factories import PASSWORD, make_user
from sqlalchemy import select

from portal.accounts.models import FORMER_PARTICIPANT, PasswordResetToken, User
from portal.audit import AuditEvent
from portal.database import utcnow
from portal.extensions import db
from portal.mail import deliver_pending

NEW_PASSWORD = "teal kettle orbit 2031"


def test_profile_edit_is_stored(as_participant, participant):
    response = as_participant.post(
        "/account/profile",
        {
            "display_name": "Amihan R.",
            "country": "MN",
            "organisation": "Fictional Ministry",
            "organisation_type": "national_government",
            "language": "en",
            "show_organisation": "y",
        },
    )
    assert response.status_code == 303
    db.session.refresh(participant)
    assert participant.display_name == "Amihan R." and participant.country == "MN"
    assert participant.show_organisation is True and participant.show_country is False
    page = as_participant.client.get("/account/profile").get_data(as_text=True)
    assert "Your profile is saved." in page and 'value="Amihan R."' in page


def test_profile_country_list_is_complete(as_participant):
    page = as_participant.client.get("/account/profile").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="([A-Z]{2})"', page)
    assert len(options) > 240
    for code in (
        "BD",
        "KH",
        "CN",
        "IN",
        "ID",
        "KR",
        "MY",
        "MV",
        "MN",
        "NP",
        "PK",
        "PH",
        "TH",
        "LK",
        "VN",
        "AU",
        "NZ",
        "AF",
        "TL",
        "FJ",
    ):
        assert code in options


def test_profile_validation_keeps_input(as_participant, participant):
    response = as_participant.post(
        "/account/profile", {"display_name": "", "organisation": "Typed Org", "language": "en"}
    )
    assert response.status_code == 400
    assert 'value="Typed Org"' in response.get_data(as_text=True)
    db.session.refresh(participant)
    assert participant.organisation == "Fictional Agency"


def test_change_password_signs_out_other_devices(app, participant):
    phone = Browserless(app.test_client())
    laptop = Browserless(app.test_client())
    phone.login(participant.email)
    laptop.login(participant.email)
    wrong = laptop.post(
        "/account/password",
        {"current": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert "current password is not correct" in wrong.get_data(as_text=True)
    ok = laptop.post(
        "/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert ok.status_code == 303
    assert laptop.client.get("/account/profile").status_code == 200  # this device stays in
    assert phone.client.get("/account/profile").status_code == 302  # the other is signed out
    assert phone.login(participant.email, NEW_PASSWORD).status_code == 303


def test_password_reset_by_email_is_single_use(mail_app):
    app, inbox = mail_app
    user = make_user(email="reset.me@example.test")
    web = Browserless(app.test_client())
    response = web.post("/password/forgot", {"email": "reset.me@example.test"})
    assert response.status_code == 303
    unknown = web.post("/password/forgot", {"email": "nobody@example.test"})
    assert unknown.status_code == 303  # the same answer: no account enumeration
    assert deliver_pending() == (1, 0)
    body = inbox.messages[0].get_body(("plain",)).get_content()
    link = re.search(r"http://\S+/password/reset/(\S+)", body)
    assert link, body
    token = link.group(1)
    path = f"/password/reset/{token}"
    assert web.client.get(path).status_code == 200
    done = web.post(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert web.login(user.email, NEW_PASSWORD).status_code == 303
    web.logout()
    again = web.client.get(path)
    assert again.status_code == 400 and "expired or was used" in again.get_data(as_text=True)
    stored = db.session.scalar(select(PasswordResetToken))
    assert stored.token_hash != token and stored.used_at is not None


def test_password_reset_token_expires(web, participant):
    from portal.accounts import services

    with web.client.application.test_request_context():
        services.request_password_reset(participant.email)
    row = db.session.scalar(select(PasswordResetToken))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    # The raw token is only in the e-mail; read it from the outbox.
    from portal.mail import OutboxMessage

    body = db.session.scalar(select(OutboxMessage.body_text))
    token = re.search(r"/password/reset/(\S+)", body).group(1)
    assert web.client.get(f"/password/reset/{token}").status_code == 400


def test_export_contains_my_data_only(as_participant, participant):
    make_user(email="someone.else@example.test")
    response = as_participant.post("/account/export", token_from="/account/profile")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == participant.email
    assert data["cohorts"][0]["cohort"] == "June workshop (fictional)"
    assert "someone.else" not in response.get_data(as_text=True)
    assert "password" not in json.dumps(data).lower()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.exported"))


def test_delete_account_erases_personal_data(as_participant, participant):
    email = participant.email
    wrong = as_participant.post("/account/delete", {"password": "nope nope nope", "confirm": "y"})
    assert "password is not correct" in wrong.get_data(as_text=True)
    response = as_participant.post("/account/delete", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 303
    user = db.session.get(User, participant.id)
    assert user.email != email and user.email.endswith("@deleted.invalid")
    assert user.display_name == FORMER_PARTICIPANT and user.public_name == FORMER_PARTICIPANT
    assert user.country == "" and user.organisation == "" and user.deleted_at is not None
    assert as_participant.client.get("/account/profile").status_code == 302
    assert as_participant.login(email).status_code == 400
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.deleted"))
    assert event.actor_id == participant.id and email not in json.dumps(event.detail)


def test_failed_account_forms_answer_400_and_keep_the_page(as_participant):
    cases = {
        "/account/password": {"current": "", "password": "short", "confirm": "short"},
        "/account/delete": {"password": ""},
        "/password/forgot": {"email": "not an address"},
    }
    for path, data in cases.items():
        response = as_participant.post(path, data)
        assert response.status_code == 400, path
        assert 'class="error"' in response.get_data(as_text=True), path
