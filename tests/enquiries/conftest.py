"""Fixtures for the Get involved forms: an app whose mail reaches a real local SMTP server."""

from __future__ import annotations

import time

import pytest
from conftest import Browserless
from factories import csrf_from

from portal.enquiries.forms import started_token


@pytest.fixture
def enquiry_app(mail_app):
    """(app, inbox): mail goes to aiosmtpd; rate limits start afresh (the `app` fixture)."""
    return mail_app


class Visitor(Browserless):
    """A visitor who opens a form, takes their time, and sends it."""

    def __init__(self, client, app):
        super().__init__(client)
        self.app = app

    def form_page(self, kind: str) -> str:
        return self.client.get(f"/get-involved/{kind}").get_data(as_text=True)

    def send(self, kind: str, data: dict, seconds_taken: float = 60, **kw):
        """Post the form as a person who spent `seconds_taken` on it."""
        page = self.form_page(kind)
        values = {"csrf_token": csrf_from(page), "website": ""}
        with self.app.test_request_context():
            # The form was shown seconds_taken ago: the signed start time a browser
            # would have received then (the page's own token is from now).
            values["started"] = started_token(time.time() - seconds_taken)
        values.update(data)
        return self.client.post(f"/get-involved/{kind}", data=values, **kw)


@pytest.fixture
def visitor(enquiry_app):
    app, _ = enquiry_app
    return Visitor(app.test_client(), app)
