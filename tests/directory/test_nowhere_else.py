"""A person who did not opt in appears nowhere: not in the practice library's facets, not in
its people-facing pages; and the pillar vocabulary is one list for the directory and the
library."""

from __future__ import annotations

from portal.directory import models as directory_models
from portal.extensions import db
from portal.practices import vocab


def test_an_unlisted_person_is_in_no_library_facet(actor, people):
    hidden = people.hidden
    hidden.country = "MN"  # a country no practice and no listed person has
    hidden.organisation = "Invented Unlisted Agency"
    db.session.commit()
    page = actor(people.writer).get("/practices/").get_data(as_text=True)
    assert "Mongolia" not in page and 'value="MN"' not in page
    assert "Not Listed Person" not in page and "Invented Unlisted Agency" not in page
    directory = actor(people.writer).get("/directory/?country=MN").get_data(as_text=True)
    assert "Not Listed Person" not in directory


def test_one_pillar_vocabulary():
    assert directory_models.PILLARS is vocab.PILLARS
    assert list(vocab.PILLARS) == ["prevention", "protection", "prosecution", "partnership"]
