"""What each post of a thread page shows: its author, details and date, for each reader."""

from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace

from conftest import Browserless
from flask_babel import force_locale

from discussion.conftest import make_thread, sign_in
from portal.accounts.models import User
from portal.database import utcnow
from portal.discussion import articles
from portal.discussion.models import Post
from portal.extensions import db
from portal.i18n import languages
from portal.i18n.languages import dates_writer, when
from portal.memo import Memo


def article(page: str, post) -> str:
    match = re.search(rf'<article[^>]* id="post-{post.id}".*?</article>', page, re.S)
    assert match, post.id
    return match.group(0)


def test_each_post_shows_its_own_author_and_details(web, world):
    world.peer.country = "NP"
    world.peer.show_country = True
    world.peer.organisation = "Invented <NGO> & partners"
    world.peer.show_organisation = True
    gone = world.member_b
    thread, posts = make_thread(
        world.board_a,
        world.participant,
        "Several authors",
        replies=[(world.peer, "First."), (gone, "Second."), (world.peer, "Third.")],
    )
    posts[2].author_id = None  # an erased account
    db.session.commit()
    sign_in(web, world.participant)
    page = web.client.get(f"/discussion/threads/{thread.id}").get_data(as_text=True)
    details = (
        '<span class="person-details">(<span class="detail-country">Nepal</span>, '
        '<span class="detail-organisation">Invented &lt;NGO&gt; &amp; partners</span>)</span>'
    )
    for post in (posts[1], posts[3]):
        assert f"<bdi>{world.peer.display_name}</bdi></strong> {details}" in article(page, post)
    opening = article(page, posts[0])
    assert f"<bdi>{world.participant.display_name}</bdi>" in opening
    assert "detail-organisation" not in opening
    assert "<bdi>Former participant</bdi></strong>\n" in article(page, posts[2])


def test_authors_details_are_written_in_the_readers_language_on_thread_and_board(web, world):
    world.peer.country = "TH"
    world.peer.show_country = True
    world.peer.organisation_type = "ngo"
    world.peer.show_organisation_type = True
    world.peer.display_name = 'Peer <b>& "Co"'
    thread, posts = make_thread(world.board_a, world.peer, "Details", replies=[])
    world.participant.language = "th"
    db.session.commit()
    sign_in(web, world.participant)
    page = web.client.get(f"/discussion/threads/{thread.id}").get_data(as_text=True)
    board = web.client.get(f"/discussion/boards/{world.board_a.id}").get_data(as_text=True)
    details = (
        '<span class="person-details">(<span class="detail-country">ไทย</span>, '
        '<span class="detail-organisation_type">'
    )
    assert f"<bdi>Peer &lt;b&gt;&amp; &#34;Co&#34;</bdi></strong> {details}" in article(
        page, posts[0]
    )
    assert details in board
    world.peer.show_country = world.peer.show_organisation_type = False
    db.session.commit()
    page = web.client.get(f"/discussion/threads/{thread.id}").get_data(as_text=True)
    assert "<bdi>Peer &lt;b&gt;&amp; &#34;Co&#34;</bdi></strong>\n" in article(page, posts[0])
    world.peer.show_country = True
    world.peer.deleted_at = utcnow()  # an account being erased: no name, no details
    db.session.commit()
    page = web.client.get(f"/discussion/threads/{thread.id}").get_data(as_text=True)
    assert "<bdi>Former participant</bdi></strong>\n" in article(page, posts[0])


def test_post_dates_are_written_in_each_readers_language(app, web, world):
    thread, posts = make_thread(world.board_a, world.participant, "Dates", replies=[])
    posts[0].created_at = datetime(2026, 3, 14, 15, 9, 26)
    db.session.commit()
    expected = {}
    for language in ("en", "ur", "th"):
        with app.test_request_context(), force_locale(language):
            expected[language] = when(posts[0].created_at)
    assert len(set(expected.values())) == 3
    for language in ("en", "ur", "th", "en"):  # the same moment, asked again in each
        world.peer.language = language
        db.session.commit()
        web.logout()
        sign_in(web, world.peer)
        page = web.client.get(f"/discussion/threads/{thread.id}").get_data(as_text=True)
        stamp = f'<time datetime="2026-03-14T15:09:26Z">{expected[language]}</time>'
        assert stamp in article(page, posts[0])


def test_the_dates_writer_keeps_time_elements_apart_from_plain_texts(app, monkeypatch):
    """The post list's dates are kept as <time> elements with their text escaped for HTML,
    apart from the plain texts of the same moment (the memo's key says which)."""
    monkeypatch.setattr(languages, "_WRITTEN", Memo(max_entries=10))
    monkeypatch.setattr(languages, "_patterns", lambda locale: ("d MMM y '<&>'", "HH:mm"))
    moment = datetime(2026, 3, 14, 15, 9)
    with app.test_request_context(), force_locale("en"):
        for _ in range(2):  # written, then found again
            assert dates_writer()(moment) == "14 Mar 2026 <&> 15:09"
            assert dates_writer(element=True)(moment) == (
                '<time datetime="2026-03-14T15:09:00Z">14 Mar 2026 &lt;&amp;&gt; 15:09</time>'
            )
        assert dates_writer(element=True)(None) == ""


def test_new_post_dates_appear_at_once(web, world):
    sign_in(web, world.peer)
    thread = world.thread_a
    reply = web.post(
        f"/discussion/threads/{thread.id}/reply",
        {"body": "A reply written just now."},
        token_from=f"/discussion/threads/{thread.id}",
    )
    assert reply.status_code == 303
    page = web.client.get(f"/discussion/threads/{thread.id}").get_data(as_text=True)
    assert f'<time datetime="{utcnow().date().isoformat()}' in page


def test_each_reader_sees_the_actions_their_rights_give(web, world):
    thread, posts = make_thread(
        world.board_a,
        world.participant,
        "Which referral form?",
        kind="question",
        replies=[(world.peer, "The accepted one."), (world.peer, "Hidden."), (world.peer, "More.")],
    )
    posts[2].is_hidden = True
    thread.accepted_post_id = posts[1].id
    db.session.commit()
    labels = "Quote|Edit|Delete|Report|Accept as the answer|Hide|Restore|Redact|History"

    def seen_by(user) -> tuple[str, list[list[str]]]:
        web.logout()
        sign_in(web, user)
        page = web.client.get(f"/discussion/threads/{thread.id}").get_data(as_text=True)
        return page, [re.findall(rf">({labels})<", article(page, post)) for post in posts]

    page, asker = seen_by(world.participant)
    asker_page = article(page, posts[0])
    assert asker == [
        ["Quote", "Edit", "Delete"],
        ["Quote", "Report"],  # already the accepted answer
        [],  # hidden: only its notice
        ["Quote", "Report", "Accept as the answer"],
    ]
    assert "This post is hidden by a moderator." in article(page, posts[2])
    assert f'id="accepted-post-{posts[1].id}"' in page
    _, peer = seen_by(world.peer)
    assert peer == [
        ["Quote", "Report"],
        ["Quote", "Edit", "Delete"],
        [],
        ["Quote", "Edit", "Delete"],
    ]
    page, trainer = seen_by(world.trainer)
    assert trainer == [
        ["Quote", "Report", "Hide", "Redact"],
        ["Quote", "Report", "Hide", "Redact"],
        ["Restore", "Redact"],
        ["Quote", "Report", "Accept as the answer", "Hide", "Redact"],
    ]
    assert "Hidden." in article(page, posts[2])
    # Each action's address names its own post (they are built once per list).
    for post in posts:
        own = article(page, post)
        assert f'href="/discussion/posts/{post.id}/redact"' in own
        assert "/flag" not in own or f'href="/discussion/posts/{post.id}/flag"' in own
        word = "restore" if post.is_hidden else "hide"
        assert f'action="/discussion/posts/{post.id}/{word}"' in own
    assert f'action="/discussion/posts/{posts[3].id}/accept"' in article(page, posts[3])
    assert f'href="/discussion/posts/{posts[0].id}/edit"' in asker_page


def test_the_post_addresses_are_kept_per_app_and_script_root(app, make_app, monkeypatch):
    """The post list's addresses are found once per app and script root, the inputs of an
    address besides its id: another root, or another app, finds its own."""
    monkeypatch.setattr(articles, "_ADDRESSES", Memo(max_entries=4))
    with app.test_request_context():
        kept = articles._addresses()
        assert kept["discussion.post_flag"](7) == "/discussion/posts/7/flag"
        assert kept["discussion.thread_detail"](3) == "/discussion/threads/3"
        assert articles._addresses() is kept
    with app.test_request_context(base_url="http://localhost/portal"):
        rooted = articles._addresses()
        assert rooted is not kept
        assert rooted["discussion.post_flag"](7) == "/portal/discussion/posts/7/flag"
        assert rooted["discussion.post_moderate", "hide"](7) == "/portal/discussion/posts/7/hide"
    with make_app().test_request_context():
        assert articles._addresses() is not kept


def test_a_post_label_is_split_around_its_number_as_formatting_writes_it():
    """The label "Post %(n)d" is split once around its number: joined again with a number
    it is the formatted text; a translation without the number (or with it twice) is
    formatted for each post instead."""
    for text in ("Post %(n)d", "โพสต์ที่ %(n)d", "%(n)d {x} 100%%"):
        before, after = articles._number_parts(text)
        assert f"{before}42{after}" == text % {"n": 42}
    assert articles._number_parts("A post") is None
    assert articles._number_parts("%(n)d of %(n)d") is None


def test_kept_articles_follow_changes_made_through_another_app(web, world, make_app):
    """A post's kept article is found under all it is written from: an edit, a hidden
    post and a renamed author written through a second app (as another worker would)
    show on the next request of this one."""
    other = make_app()
    thread, posts = make_thread(
        world.board_a, world.participant, "Kept articles", replies=[(world.peer, "Before.")]
    )
    reply = SimpleNamespace(id=posts[1].id)
    url, peer_id = f"/discussion/threads/{thread.id}", world.peer.id
    sign_in(web, world.participant)

    def shown() -> str:
        return article(web.client.get(url).get_data(as_text=True), reply)

    def elsewhere(change) -> None:
        db.session.commit()
        with other.app_context():
            change(db.session.get(Post, reply.id))
            db.session.commit()
            db.session.remove()

    first = shown()
    assert "Before." in first
    assert shown() == first  # kept, the same

    def edit(post):
        post.body_html = "<p>After.</p>"
        post.edited_at = utcnow()
        db.session.get(User, peer_id).display_name = "Renamed Peer"

    elsewhere(edit)
    now = shown()
    assert "<p>After.</p>" in now
    assert "<bdi>Renamed Peer</bdi>" in now
    assert '<span class="tag">edited</span>' in now
    elsewhere(lambda post: setattr(post, "is_hidden", True))
    now = shown()
    assert "This post is hidden by a moderator." in now
    assert "After." not in now


def test_kept_articles_show_an_authors_links_to_them_alone_and_keep_no_token(app, world):
    """The author's own post, kept with its edit links, is not shown so to another reader;
    a moderator's articles (their forms hold the CSRF token) are not kept."""
    thread, posts = make_thread(
        world.board_a, world.participant, "Own posts", replies=[(world.peer, "Peer's.")]
    )
    url = f"/discussion/threads/{thread.id}"
    edit = f'href="/discussion/posts/{posts[0].id}/edit"'

    def page_of(user):
        reader = sign_in(Browserless(app.test_client()), user)
        return reader.client.get(url).get_data(as_text=True)

    assert edit in article(page_of(world.participant), posts[0])
    shown = article(page_of(world.peer), posts[0])
    assert edit not in shown
    assert f'href="/discussion/posts/{posts[0].id}/flag"' in shown
    kept = len(articles._ARTICLES)
    page = page_of(world.trainer)
    assert f'action="/discussion/posts/{posts[1].id}/hide"' in article(page, posts[1])
    assert len(articles._ARTICLES) == kept
