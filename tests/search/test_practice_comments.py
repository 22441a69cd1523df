"""Comments on practices in the site search: found by readers of the library while the
comment is shown and its practice is published, with an escaped excerpt."""

from __future__ import annotations

import pytest
from practices.conftest import published, sign_in
from sqlalchemy import text

from portal.extensions import db
from portal.practices import services
from portal.search.indexing import clear_search_index, reindex_all


def found(web, words: str) -> str:
    response = web.client.get("/search", query_string={"q": words})
    assert response.status_code == 200, words
    return response.get_data(as_text=True)


def link(comment) -> str:
    return f'href="/practices/{comment.practice_id}#comment-{comment.id}"'


def indexed(comment_id: int) -> bool:
    """Whether SQLite's FTS5 table holds the comment (under its rowid, -id); PostgreSQL
    keeps no copy, so there it is always True."""
    if db.engine.dialect.name != "sqlite":
        return True
    row = db.session.execute(
        text("SELECT kind, ref_id FROM search_index WHERE rowid = :rowid"), {"rowid": -comment_id}
    ).first()
    return tuple(row or ()) == ("practice_comment", comment_id)


@pytest.fixture
def commented(people):
    """A published practice with a comment about mangrove crab cooperatives (by a reader of
    another cohort)."""
    practice = published(people.author, people.trainer, title="Coastal livelihoods desk")
    comment = services.add_comment(
        people.member_b,
        practice,
        "We tried this with *mangrove* crab cooperatives in the delta.",
        None,
        None,
    )
    people.practice, people.comment = practice, comment
    return people


def test_a_reader_of_the_library_finds_the_comment_and_its_practice_page(web, commented):
    assert indexed(commented.comment.id)
    sign_in(web, commented.peer)
    html = found(web, "mangrove crab")
    assert link(commented.comment) in html
    assert "Comment on a practice in the library" in html
    assert "Coastal livelihoods desk" in html  # the result is titled by its practice
    assert "<mark>mangrove</mark> <mark>crab</mark> cooperatives" in html
    page = web.client.get(f"/practices/{commented.practice.id}").get_data(as_text=True)
    assert f'id="comment-{commented.comment.id}"' in page  # the anchor exists


@pytest.mark.parametrize("who", ["alumnus", "trainer_b", "admin"])
def test_every_reader_of_the_library_finds_it(web, commented, who):
    sign_in(web, getattr(commented, who))
    assert link(commented.comment) in found(web, "cooperatives")


def test_nobody_without_library_access_finds_it(web, commented):
    html = found(web, "mangrove crab")  # a visitor
    assert "#comment-" not in html and "crab cooperatives" not in html
    sign_in(web, commented.outsider)  # signed up, in no cohort
    html = found(web, "mangrove crab")
    assert "#comment-" not in html and "crab cooperatives" not in html


def test_a_hidden_comment_is_not_found_and_is_again_once_restored(web, commented):
    services.set_comment_hidden(commented.trainer, commented.comment, True)
    sqlite = db.engine.dialect.name == "sqlite"
    assert indexed(commented.comment.id) is not sqlite
    sign_in(web, commented.peer)
    assert link(commented.comment) not in found(web, "mangrove")
    # Not even by the trainer who hid it: search shows what the page shows to readers.
    web.logout()
    sign_in(web, commented.trainer)
    assert link(commented.comment) not in found(web, "mangrove")
    services.set_comment_hidden(commented.trainer, commented.comment, False)
    assert indexed(commented.comment.id)
    assert link(commented.comment) in found(web, "mangrove")
    web.logout()
    sign_in(web, commented.peer)
    assert link(commented.comment) in found(web, "mangrove")


def test_comments_of_an_archived_practice_are_not_found(web, commented):
    services.archive(commented.trainer, commented.practice)
    assert indexed(commented.comment.id) is (db.engine.dialect.name != "sqlite")
    sign_in(web, commented.peer)
    assert "#comment-" not in found(web, "mangrove")
    # No service publishes an archived practice again; should its state return to
    # published, its comments come back with it.
    commented.practice.status = "published"
    db.session.commit()
    assert indexed(commented.comment.id)
    assert link(commented.comment) in found(web, "mangrove")


def test_a_deleted_comment_is_not_found(web, commented):
    """No page deletes a comment today; a deletion through the models leaves the index."""
    comment_id = commented.comment.id
    db.session.delete(commented.comment)
    db.session.commit()
    assert indexed(comment_id) is (db.engine.dialect.name != "sqlite")
    sign_in(web, commented.peer)
    assert "#comment-" not in found(web, "mangrove")


def test_the_comments_of_a_deleted_practice_leave_the_index(web, commented):
    db.session.delete(commented.practice)
    db.session.commit()
    sign_in(web, commented.peer)
    assert "#comment-" not in found(web, "mangrove")
    if db.engine.dialect.name == "sqlite":
        left = db.session.execute(text("SELECT count(*) FROM search_index WHERE rowid < 0"))
        assert left.scalar_one() == 0


def test_the_excerpt_shows_markup_as_text(web, people):
    practice = published(people.author, people.trainer, title="Escaping check")
    comment = services.add_comment(
        people.trainer_b,
        practice,
        'Look: <script>alert("x")</script> <b>bold</b> lagoon indicators',
        None,
        None,
    )
    sign_in(web, people.peer)
    html = found(web, "lagoon")
    assert link(comment) in html and "<mark>lagoon</mark>" in html
    assert "<script>alert" not in html and "alert(&#34;x&#34;)" in html
    # SQLite shows the tags as escaped text; PostgreSQL's headline drops them.
    assert "&lt;script&gt;" in html or db.engine.dialect.name == "postgresql"
    assert "<b>bold</b>" not in html


def test_a_comment_titled_practice_is_escaped_too(web, people):
    practice = published(people.author, people.trainer, title="Desk <i>for</i> fishers")
    comment = services.add_comment(people.trainer_b, practice, "Estuary outreach.", None, None)
    sign_in(web, people.peer)
    html = found(web, "estuary")
    assert link(comment) in html
    assert "Desk &lt;i&gt;for&lt;/i&gt; fishers" in html and "<i>for</i>" not in html


def test_reindex_all_restores_a_wiped_index(web, commented):
    other = services.add_comment(
        commented.trainer_b, commented.practice, "Hidden remark on mangrove.", None, None
    )
    services.set_comment_hidden(commented.trainer, other, True)
    with db.engine.begin() as connection:
        clear_search_index(connection)
    sign_in(web, commented.peer)
    if db.engine.dialect.name == "sqlite":  # PostgreSQL searches the table itself
        assert link(commented.comment) not in found(web, "mangrove")
    with db.engine.begin() as connection:
        reindex_all(connection)
    html = found(web, "mangrove")
    assert link(commented.comment) in html
    assert link(other) not in html


def test_the_search_label_names_only_what_the_reader_searches(web, commented):
    def label() -> str:
        html = web.client.get("/search").get_data(as_text=True)
        return html.split('<label for="search-q">', 1)[1].split("</label>", 1)[0]

    assert label() == "Search the titles of the readings"  # a visitor
    sign_in(web, commented.outsider)  # signed in, no cohort: no library
    assert label() == "Search the discussions and readings"
    web.logout()
    sign_in(web, commented.peer)
    assert label() == "Search the discussions, readings, practices and comments on practices"
