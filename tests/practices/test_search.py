"""Practices in the site search: published ones only, for readers of the library only."""

from __future__ import annotations

from portal.extensions import db
from portal.practices import services
from practices.conftest import draft, insert_published, published, sign_in


def found(web, words: str) -> str:
    response = web.client.get(f"/search?q={words}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_readers_find_published_practices_only(web, people):
    live = published(
        people.author, people.trainer, title="Mangrove fishers outreach", summary="Outreach."
    )
    draft(people.author, title="Mangrove draft plan", summary="Never published.")
    waiting = draft(people.author, title="Mangrove waiting plan")
    services.submit(people.author, waiting)
    for who in ("peer", "alumnus", "member_b", "trainer_b"):
        sign_in(web, getattr(people, who))
        html = found(web, "mangrove")
        assert f'href="/practices/{live.id}"' in html, who
        assert "Practice in the library" in html
        assert "draft plan" not in html and "waiting plan" not in html, who
        web.logout()


def test_people_outside_every_cohort_and_visitors_find_no_practice(web, people):
    published(people.author, people.trainer, title="Mangrove fishers outreach")
    assert "/practices/" not in found(web, "mangrove")
    sign_in(web, people.outsider)
    assert 'href="/practices/' not in found(web, "mangrove")


def test_text_of_the_description_is_found_and_archiving_removes_it(web, people):
    practice = published(
        people.author, people.trainer, description="A **seaweed** cooperative offers jobs."
    )
    sign_in(web, people.peer)
    assert f'href="/practices/{practice.id}"' in found(web, "seaweed")
    services.archive(people.trainer, practice)
    assert f'href="/practices/{practice.id}"' not in found(web, "seaweed")


def test_reindex_includes_published_practices(app, web, people):
    """Practices bulk-inserted without the ORM are found after `flask search reindex`."""
    insert_published(3, ["TH"])
    draft(people.author, title="Lantern draft")
    sign_in(web, people.peer)
    if db.engine.dialect.name == "sqlite":  # PostgreSQL searches the table itself
        assert 'href="/practices/10001"' not in found(web, "invented")
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    html = found(web, "invented")
    assert all(f'href="/practices/{10_000 + n}"' in html for n in range(3))
    assert "Lantern" not in found(web, "lantern")
