"""Request size and upload limits (issue 7, items 6 and 7: CSV)."""

from __future__ import annotations

from io import BytesIO

from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.cohorts.models import Invitation
from portal.extensions import db

MB = 1024 * 1024


def test_a_huge_anonymous_upload_is_refused_with_413(client):
    body = b"email=" + b"x" * (5 * MB)  # 5 MB is enough to cross the limit
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert client.application.config["MAX_CONTENT_LENGTH"] <= 8 * MB


def test_a_csv_over_its_own_limit_is_refused_not_cut(as_trainer, cohort):
    rows = "".join(f"person{i}@example.test,Person {i},PH,Org\n" for i in range(40_000))
    csv_text = "email,name,country,organisation\n" + rows  # about 1.5 MB
    path = f"/cohorts/{cohort.id}/invite-csv"
    # Encoded in memory: the test client would otherwise spool it to a temporary file.
    fields = {"csrf_token": as_trainer.token(path)}
    fields["file"] = FileStorage(BytesIO(csv_text.encode()), "invites.csv")
    boundary, body = encode_multipart(MultiDict(fields))
    response = as_trainer.client.post(
        path, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400
    assert "too large" in response.get_data(as_text=True)
    assert db.session.scalar(select(Invitation)) is None  # nothing half-imported


def test_a_csv_field_over_the_csv_module_limit_gets_a_line_numbered_error(as_trainer, cohort):
    csv_text = (
        "email,name,country,organisation\n"
        "lin.fictional@example.test,Lin,TH,Org\n"
        f'arun.fictional@example.test,"{"A" * 200_000}",NP,Org\n'
    )
    response = as_trainer.post(
        f"/cohorts/{cohort.id}/invite-csv",
        {"file": (BytesIO(csv_text.encode()), "invites.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 3" in page and "too long" in page
    assert db.session.scalar(select(Invitation)) is None


def test_csv_values_lose_control_characters(as_trainer, cohort):
    csv_text = (
        "email,name,country,organisation\nlin.fictional@example.test,Lin\x00\x0bTest,TH,Org\x00\n"
    )
    response = as_trainer.post(
        f"/cohorts/{cohort.id}/invite-csv",
        {"file": (BytesIO(csv_text.encode()), "invites.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.name, invitation.organisation) == ("Lin Test", "Org")
