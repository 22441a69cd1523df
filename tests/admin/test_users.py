"""Admin screens: user list, role changes, deactivation."""

from factories import make_user
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.extensions import db


def test_only_admins_see_users(as_trainer):
    assert as_trainer.client.get("/admin/users").status_code == 403


def test_user_list_search_and_fragment(as_admin):
    make_user(display_name="Chanthou Fictional", email="chanthou@example.test")
    make_user(display_name="Dorj Fictional", email="dorj@example.test")
    page = as_admin.client.get("/admin/users?q=chanthou").get_data(as_text=True)
    assert "Chanthou Fictional" in page and "Dorj Fictional" not in page
    fragment = as_admin.client.get("/admin/users?q=dorj", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "Dorj Fictional" in text and "<html" not in text


def test_user_list_pages(as_admin):
    for i in range(55):
        make_user(display_name=f"Paged {i:02d}")
    first = as_admin.client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in first
    second = as_admin.client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second


def test_role_change_and_deactivation_are_audited(as_admin, admin):
    user = make_user()
    response = as_admin.post(f"/admin/users/{user.id}", {"role": "trainer", "is_enabled": ""})
    assert response.status_code == 303
    db.session.refresh(user)
    assert user.role == "trainer" and user.is_enabled is False
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.target_id == user.id)).all()
    by_action = {e.action: e for e in events}
    assert by_action["user.role_changed"].detail == {"old": "participant", "new": "trainer"}
    assert by_action["user.role_changed"].actor_id == admin.id
    assert "user.deactivated" in by_action


def test_admin_cannot_demote_self(as_admin, admin):
    response = as_admin.post(f"/admin/users/{admin.id}", {"role": "participant", "is_enabled": "y"})
    assert "cannot remove your own admin role" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_unknown_user_is_404(as_admin):
    assert as_admin.client.get("/admin/users/99999").status_code == 404
