"""The layout parts kept once per language (portal/layout.py) and the navigation entries
kept once per language: each reader still gets their own language, their own CSRF token,
their own entries and the entry of the page they are on."""

import re

from portal.extensions import db


def _footer(html: str) -> str:
    """The footer, its reader's CSRF token left out: the token is signed with the time, so
    two requests a second apart carry different ones."""
    footer = re.search(r'<footer class="site">.*</footer>', html, re.S).group(0)
    return re.sub(r'(name="csrf_token" value=")[^"]+', r"\1", footer)


def _nav(html: str) -> str:
    return re.search(r'<ul class="nav">.*?</ul>', html, re.S).group(0)


def test_each_language_gets_its_own_footer_and_switcher(client):
    english = client.get("/about").get_data(as_text=True)
    thai = client.get("/about", headers={"Accept-Language": "th"}).get_data(as_text=True)
    english_again = client.get("/about").get_data(as_text=True)
    assert "Get involved" in _footer(english)
    assert "Get involved" not in _footer(thai)
    assert _footer(english_again) == _footer(english)
    assert 'value="en" lang="en" dir="ltr" class="link" aria-current="true" disabled' in english
    assert 'value="th" lang="th" dir="ltr" class="link" aria-current="true" disabled' in thai
    assert 'value="en" lang="en" dir="ltr" class="link">' in thai


def test_the_switcher_carries_the_readers_own_token_and_address(app, as_participant):
    pages = []
    for client in (as_participant.client, app.test_client()):
        html = client.get("/about?x=1").get_data(as_text=True)
        form = re.search(r'<form method="post" action="/language".*?</form>', html, re.S)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.group(0)).group(1)
        assert 'name="next" value="/about?x=1"' in form.group(0)
        pages.append(token)
    assert pages[0] != pages[1]


def test_the_kept_parts_hold_nothing_personal(app, as_participant, participant):
    as_participant.client.get("/curriculum")
    kept = app.extensions["portal_layout_parts"]
    assert kept
    parts = [part for language_parts in kept.values() for part in language_parts]
    assert any("<footer" in part for part in parts) and any("<head>" in part for part in parts)
    for part in parts:
        assert "csrf_token" not in part
        assert participant.display_name not in part
        assert 'aria-current="page"' not in part


def test_navigation_follows_the_reader_and_the_page(web, participant, trainer):
    web.login(participant.email)
    curriculum = _nav(web.client.get("/curriculum").get_data(as_text=True))
    assert '<a href="/curriculum" aria-current="page">Curriculum</a>' in curriculum
    assert "Cohorts" not in curriculum
    search = _nav(web.client.get("/search").get_data(as_text=True))
    assert '<a href="/curriculum">Curriculum</a>' in search
    web.logout()

    web.login(trainer.email)
    staff = _nav(web.client.get("/curriculum").get_data(as_text=True))
    assert "Cohorts" in staff
    participant.language = "ur"
    db.session.commit()
    web.logout()
    web.login(participant.email)
    urdu = _nav(web.client.get("/curriculum").get_data(as_text=True))
    assert "Curriculum" not in urdu
    assert 'aria-current="page"' in urdu
