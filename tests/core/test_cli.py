"""CLI: seeding is repeatable and the demo accounts work; create-admin; backup."""

from pathlib import Path

from conftest import Browserless
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cohorts.models import Cohort, Membership
from portal.extensions import db
from portal.learning.models import CurriculumSession, Objective, Partner
from portal.practices.demo import DEMO_AUTHORS


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_twice_is_safe_and_demo_accounts_log_in(app, monkeypatch):
    monkeypatch.setenv("PORTAL_DEMO_PASSWORD", "demo password for tests")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "created participant@demo.test" in first.output
    counts = [_count(m) for m in (User, Cohort, Membership, CurriculumSession, Objective, Partner)]
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0, second.output
    assert "kept participant@demo.test" in second.output
    assert [
        _count(m) for m in (User, Cohort, Membership, CurriculumSession, Objective, Partner)
    ] == counts
    # The three demo accounts, and the invented authors of the demo practices.
    assert (
        counts[0] == 3 + len(DEMO_AUTHORS) and counts[3] == 11 and counts[4] == 4 and counts[5] >= 5
    )
    db.session.commit()
    for email in ("participant@demo.test", "trainer@demo.test", "admin@demo.test"):
        web = Browserless(app.test_client())
        assert web.login(email, "demo password for tests").status_code == 303, email
    home = app.test_client().get("/").get_data(as_text=True)
    assert "Concept introduction" in home and "International Organization for Migration" in home


def test_seed_generates_and_keeps_a_password(app, monkeypatch):
    monkeypatch.delenv("PORTAL_DEMO_PASSWORD", raising=False)
    password_file = Path(app.instance_path) / "demo_password"
    password_file.unlink(missing_ok=True)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert "demo password (generated now):" in first.output
    password = password_file.read_text().strip()
    second = runner.invoke(args=["seed"])
    assert f"demo password (kept in instance/demo_password): {password}" in second.output
    db.session.commit()
    assert Browserless(app.test_client()).login("admin@demo.test", password).status_code == 303
    password_file.unlink()


def test_create_admin(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["create-admin", "boss@example.test"], input="short\nshort\n")
    assert weak.exit_code != 0 and "at least 12" in weak.output
    ok = runner.invoke(
        args=["create-admin", "boss@example.test", "--name", "Boss"],
        input="a long admin passphrase\na long admin passphrase\n",
    )
    assert ok.exit_code == 0, ok.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.test"))
    assert user.role == "admin"
