"""Mail a newcomer can see: in development each message lands as an .eml file, named in the log."""

from __future__ import annotations

import logging
import re
from email import message_from_bytes, policy
from pathlib import Path

from conftest import Browserless
from factories import make_user
from sqlalchemy import select

from portal.config import default_base_url, default_mail_backend
from portal.extensions import db
from portal.mail import OutboxMessage, mail_folder

ROOT = Path(__file__).resolve().parents[2]


def test_a_reset_mail_lands_as_an_eml_file_and_the_log_names_it(make_app, tmp_path, caplog):
    folder = tmp_path / "mail"
    app = make_app(MAIL_BACKEND="file", MAIL_DIR=str(folder), BASE_URL="http://127.0.0.1:8123")
    with app.app_context():
        make_user(email="ayu@example.test")
        db.session.commit()
        web = Browserless(app.test_client())
        assert web.post("/password/forgot", {"email": "ayu@example.test"}).status_code == 303

        with caplog.at_level(logging.INFO, logger="portal.mail"):
            result = app.test_cli_runner().invoke(args=["mail", "deliver"])
        assert result.exit_code == 0, result.output
        assert "sent 1, failed 0" in result.output

        files = sorted(folder.glob("*.eml"))
        assert len(files) == 1
        written = message_from_bytes(files[0].read_bytes(), policy=policy.default)
        assert written["To"] == "ayu@example.test"
        link = re.search(
            r"http://\S+/password/reset/\S+", written.get_body(("plain",)).get_content()
        )
        assert link and link.group(0).startswith("http://127.0.0.1:8123/password/reset/")
        logged = [r.getMessage() for r in caplog.records if r.name == "portal.mail"]
        assert any(files[0].name in line for line in logged)
        assert not any("ayu@example.test" in line for line in logged)  # no personal data

        row = db.session.scalar(select(OutboxMessage))
        assert row.status == "sent" and row.sent_at is not None
        again = app.test_cli_runner().invoke(args=["mail", "deliver"])
        assert "sent 0, failed 0" in again.output
        assert len(list(folder.glob("*.eml"))) == 1  # nothing written twice


def test_the_sink_defaults_to_instance_mail(make_app):
    app = make_app(MAIL_BACKEND="file", MAIL_DIR="")
    with app.app_context():
        assert mail_folder() == Path(app.instance_path) / "mail"


def test_development_writes_files_and_production_uses_smtp():
    assert default_mail_backend({}) == "file"
    assert default_mail_backend({"PORTAL_ENV": "development"}) == "file"
    assert default_mail_backend({"PORTAL_ENV": "production"}) == "smtp"
    assert default_mail_backend({"PORTAL_ENV": "development", "MAIL_BACKEND": "smtp"}) == "smtp"


def test_links_follow_host_and_port_unless_base_url_is_set():
    assert default_base_url({}) == "http://127.0.0.1:5000"
    assert default_base_url({"HOST": "192.168.1.20", "PORT": "8000"}) == "http://192.168.1.20:8000"


def test_make_run_passes_host_and_port_and_runs_the_outbox_worker():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^export HOST PORT$", makefile, re.M)
    run = makefile[makefile.index("\nrun:") : makefile.index("\nlint:")]
    assert "flask mail deliver --loop" in run and "gunicorn" in run
