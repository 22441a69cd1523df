"""`flask seed` fills a living demo library: a dozen invented practices, added once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from portal.extensions import db
from portal.practices.demo import DEMO_PRACTICES, INVENTED
from portal.practices.models import Endorsement, Practice, PracticeTag
from portal.practices.vocab import clean_values


def test_seed_adds_a_dozen_practices_once(app, monkeypatch, web):
    monkeypatch.setenv("PORTAL_DEMO_PASSWORD", "demo password for tests")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert f"demo practices: {len(DEMO_PRACTICES)} added" in first.output
    second = runner.invoke(args=["seed"])
    assert "demo practices: 0 added" in second.output
    practices = db.session.scalars(select(Practice)).all()
    assert len(practices) == len(DEMO_PRACTICES) >= 12
    assert all(p.status == "published" and INVENTED in p.description for p in practices)
    countries = {t.value for p in practices for t in p.tags if t.facet == "country"}
    pillars = {t.value for p in practices for t in p.tags if t.facet == "pillar"}
    assert len(countries) >= 8 and pillars == {
        "prevention",
        "protection",
        "prosecution",
        "partnership",
    }
    # Adaptations link practices between countries.
    adapted = [p for p in practices if p.adapts_id]
    assert len(adapted) >= 3
    # "Useful" counts agree with the stored marks.
    marks = Counter(db.session.scalars(select(Endorsement.practice_id)))
    assert {p.id: p.useful_count for p in practices} == {
        p.id: marks.get(p.id, 0) for p in practices
    }
    # Every facet value is known to the library's vocabularies.
    assert db.session.scalar(select(func.count()).select_from(PracticeTag)) > 60
    for practice in practices:
        for tag in practice.tags:
            assert clean_values(tag.facet, [tag.value]) == [tag.value], (practice.title, tag.value)
    db.session.commit()
    web.login("participant@demo.test", "demo password for tests")
    library = web.client.get("/practices/?sort=useful").get_data(as_text=True)
    assert "12 practices" in library and "Adapted in: Cambodia" in library
    found = web.client.get("/search?q=interpreters").get_data(as_text=True)
    assert "Practice in the library" in found
