"""The library's pages (cards, facet counts and curriculum labels) a worker keeps under the
library's version (queries._PAGES, models.LibraryVersion): one statement when kept, the
same page as read afresh, and read again after every write that changes them, whichever
process writes."""

from __future__ import annotations

import itertools
from contextlib import contextmanager

import pytest
from measure import count_statements
from sqlalchemy import Column, Table, update
from sqlalchemy.sql.visitors import iterate
from werkzeug.datastructures import MultiDict

from portal.accounts.models import User
from portal.discussion.permissions import viewer_for
from portal.extensions import db
from portal.learning.models import CurriculumSession, Objective
from portal.practices import display, permissions, queries, services
from portal.practices.models import FACETS, WATCHED, Practice, PracticeTag
from practices.conftest import HX, draft, published, sign_in

QUERIES = (
    {},
    {"page": "2"},
    {"country": ["TH"]},
    {"country": ["TH", "NP"], "pillar": ["protection"], "sort": "useful"},
    {"session": ["3", "9"], "objective": ["2"]},
    {"q": "referral"},
    {"q": "referral", "country": ["KH"]},
)


def library(viewer, **args) -> queries.LibraryPage:
    """The library as a new request reads it (a new transaction, which sees every commit)."""
    new_transaction(viewer)
    return queries.library(viewer, queries.LibraryQuery.from_args(MultiDict(args)))


def new_transaction(viewer) -> None:
    db.session.commit()
    assert viewer.user.id  # loaded again before statements are counted


def statements(app, viewer, **args) -> tuple[queries.LibraryPage, int]:
    """The library as `library` reads it, and the statements it ran."""
    new_transaction(viewer)
    with count_statements(app) as log:
        page = queries.library(viewer, queries.LibraryQuery.from_args(MultiDict(args)))
    return page, log.count


def afresh(viewer, **args) -> queries.LibraryPage:
    queries._PAGES.clear()
    return library(viewer, **args)


@contextmanager
def elsewhere(other_app):
    """Write through a second app (its own engine and session), as another process would:
    nothing in this app learns of the write but through the database."""
    db.session.commit()
    with other_app.app_context():
        yield
        db.session.commit()
        db.session.remove()


@pytest.fixture
def shelf(app, people):
    """A few published practices with several values; and a submitted one."""
    for n, countries in enumerate((["TH", "KH"], ["NP"], ["TH"], ["VN", "LA"])):
        published(people.author, people.trainer, title=f"Referral desk {n}", countries=countries)
    waiting = draft(people.author, title="Waiting", countries=["MM"])
    services.submit(people.author, waiting)
    return waiting


def test_kept_counts_give_the_page_read_afresh_in_one_statement(app, people, shelf):
    reader = viewer_for(people.peer)
    for args in QUERIES:
        fresh = afresh(reader, **args)
        again, count = statements(app, reader, **args)
        assert again == fresh, args
        # Kept without free text (the version alone is read); with free text the page's
        # one statement reads the counts too.
        assert count == 1, args
    # A chosen value with no practice stays visible with 0, each time, and only there.
    for _ in range(2):
        page = library(reader, session=["9"])
        assert ("9", 0) in page.facets["session"]
    assert all(value != "9" for value, _count in library(reader).facets["session"])


def test_a_page_never_kept_or_out_of_date_costs_at_most_two_statements(app, people, shelf):
    reader = viewer_for(people.peer)
    queries._PAGES.clear()
    assert statements(app, reader, country=["TH"])[1] == 1  # none kept: the page's own
    assert statements(app, reader, country=["TH"])[1] == 1  # kept: the version
    published(people.author, people.trainer, title="Another desk", countries=["TH"])
    page, count = statements(app, reader, country=["TH"])
    assert count == 2  # out of date: the version, then the page
    assert page.total == 3


def test_the_kept_counts_are_per_visibility_condition_and_filters(app, people, shelf):
    reader, outsider = viewer_for(people.peer), viewer_for(people.outsider)
    assert permissions.visible_in_library(reader) is not permissions.visible_in_library(outsider)
    counted = library(reader)
    assert counted.facets["country"]
    assert library(outsider).facets["country"] == []
    assert library(reader) == counted
    filtered = library(reader, pillar=["prosecution"])
    assert filtered.facets["country"] == [] and filtered.facets != counted.facets


def write_and_compare(app, other_app, reader, args, write):
    """The counts kept for `args`, a write through the other app, and the page after it,
    which must be the page read afresh: (before, after)."""
    before = library(reader, **args)
    assert statements(app, reader, **args) == (before, 1)
    with elsewhere(other_app):
        write()
    after = library(reader, **args)
    assert after == afresh(reader, **args)
    return before, after


def test_a_write_from_another_process_refreshes_the_kept_counts(app, make_app, people, shelf):
    other = make_app()
    reader = viewer_for(people.peer)
    waiting, trainer = shelf.id, people.trainer.id
    first, second = db.session.scalars(
        db.select(Practice.id)
        .where(Practice.title.in_(["Referral desk 0", "Referral desk 1"]))
        .order_by(Practice.title)  # PostgreSQL returns them in any order without it
    )

    def as_other(practice_id):
        return db.session.get(Practice, practice_id), db.session.get(User, trainer)

    def publish():
        practice, reviewer = as_other(waiting)
        services.publish(reviewer, practice)

    def archive():
        practice, actor = as_other(first)
        services.archive(actor, practice)

    def retag():
        db.session.execute(
            update(PracticeTag)
            .where(PracticeTag.practice_id == second, PracticeTag.value == "NP")
            .values(value="PH")
        )

    def add_tag():
        db.session.add(PracticeTag(practice_id=second, facet="target", value="fishers"))

    def remove_tags():
        db.session.execute(db.delete(PracticeTag).where(PracticeTag.practice_id == second))

    def new_session():
        db.session.add(CurriculumSession(number=9, slug="s-9", title="Invented session 9"))

    def rename_objective():
        db.session.execute(update(Objective).where(Objective.number == 2).values(title="New"))

    def retire_session():
        db.session.execute(
            update(CurriculumSession).where(CurriculumSession.number == 3).values(is_retired=True)
        )

    for write, args, changed in (
        (publish, {}, "facets"),
        (archive, {"pillar": ["protection"]}, "facets"),
        (retag, {"country": ["PH"]}, "facets"),
        (add_tag, {}, "facets"),
        (remove_tags, {"country": ["TH"]}, "facets"),
        (new_session, {"session": ["9"]}, "names"),
        (rename_objective, {}, "names"),
        (retire_session, {"session": ["3"]}, "names"),
    ):
        before, after = write_and_compare(app, other, reader, args, write)
        if changed:
            assert getattr(after, changed) != getattr(before, changed), write.__name__


def test_a_write_to_a_cards_columns_refreshes_the_kept_page(app, make_app, people, shelf):
    other = make_app()
    reader = viewer_for(people.peer)
    library(reader, sort="useful")
    peer = people.peer.id
    with elsewhere(other):
        practice = db.session.scalar(db.select(Practice).where(Practice.status == "published"))
        services.set_useful(db.session.get(User, peer), practice, True)
        marked = practice.id
    page, count = statements(app, reader, sort="useful")
    assert count == 2
    assert page.practices[0].useful_count == 1
    for column, value in (("title", "Renamed <desk>"), ("summary", "A new summary.")):
        with elsewhere(other):
            db.session.execute(
                update(Practice).where(Practice.id == marked).values({column: value})
            )
        page = library(reader, sort="useful")
        assert getattr(page.practices[0], column) == value
        assert page == afresh(reader, sort="useful")


def test_a_write_to_columns_no_page_reads_keeps_them(app, make_app, people, shelf):
    other = make_app()
    reader = viewer_for(people.peer)
    kept = library(reader)
    with elsewhere(other):
        db.session.execute(
            update(Practice).where(Practice.status == "published").values(lessons="Changed")
        )
    page, count = statements(app, reader)
    assert count == 1 and page is kept


def test_the_watched_columns_are_every_column_the_pages_read(app, people):
    """The triggers watch WATCHED: the kept pages' statement (no free text), for every
    visibility condition, sort and with or without filters, reads no other column."""
    read = set()
    for viewer in (viewer_for(people.peer), viewer_for(people.outsider)):
        visible = permissions.visible_in_library(viewer)
        for filtered, sort in itertools.product(
            ((), FACETS, ("country", "pillar")), ("newest", "useful")
        ):
            statement = queries._library_statement(visible, False, sort, filtered)
            for element in iterate(statement):
                table = getattr(element, "table", None)
                if isinstance(element, Column) and table is not None:
                    # A table's column, maybe through an alias; the page's subquery's
                    # columns are read from the table columns iterated inside it.
                    while not isinstance(table, Table) and hasattr(table, "element"):
                        table = table.element
                    if isinstance(table, Table):
                        read.add((table.name, element.name))
    assert read - {("library_version", "id"), ("library_version", "version")} == {
        (table, column) for table, columns in WATCHED.items() for column in columns
    }


def test_the_kept_block_shows_a_write_from_another_process_on_the_next_page(
    app, make_app, web, people, shelf
):
    """The library's block is kept with its kept page (display.library_html): the same
    HTML again, each language its own, and a card's new title on the next request after
    a write through a second app."""
    other = make_app()
    sign_in(web, people.peer)
    peer = people.peer.id
    first = web.client.get("/practices/", headers=HX).get_data(as_text=True)
    assert web.client.get("/practices/", headers=HX).get_data(as_text=True) == first
    assert len(display._BLOCKS) >= 1
    with elsewhere(other):
        db.session.execute(
            update(Practice).where(Practice.title == "Referral desk 2").values(title="Renamed <x>")
        )
    again = web.client.get("/practices/", headers=HX).get_data(as_text=True)
    assert "Renamed &lt;x&gt;" in again and "Referral desk 2" not in again
    assert again == first.replace("Referral desk 2", "Renamed &lt;x&gt;")
    with elsewhere(other):
        db.session.execute(update(User).where(User.id == peer).values(language="th"))
    thai = web.client.get("/practices/", headers=HX).get_data(as_text=True)
    assert thai != again and "Renamed &lt;x&gt;" in thai
    # A query with text the search ignores (no words) is written afresh, with the text.
    odd = web.client.get("/practices/?q=%22%26", headers=HX).get_data(as_text=True)
    assert 'value="&#34;&amp;"' in odd
