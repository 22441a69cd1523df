"""The layout parts kept once per language (portal/layout.py) and the navigation entries
kept once per language: each reader still gets their own language, their own CSRF token,
their own entries and the entry of the page they are on."""

import re

from factories import PASSWORD, csrf_from

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


def _sign_out_token(html: str) -> str:
    form = re.search(r'<form method="post" action="/logout".*?</form>', html, re.S).group(0)
    return re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)


def _signed_in(app, user):
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=data).status_code in (302, 303)
    return client


def test_the_kept_navigation_holds_no_token_and_each_reader_signs_out_with_their_own(
    app, participant, trainer
):
    """The navigation's HTML is kept per language and set of entries; the sign-out form in
    it gets the reader's own token on every page."""
    readers = [_signed_in(app, participant), _signed_in(app, trainer)]
    tokens = []
    for client in readers:
        html = client.get("/curriculum").get_data(as_text=True)
        token = _sign_out_token(html)
        assert re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1) == token
        tokens.append(token)
    assert tokens[0] != tokens[1]
    kept = [part for parts in app.extensions["portal_nav_html"].values() for part in parts[1:]]
    assert kept
    for part in kept:
        assert not any(token in part for token in tokens)
        assert participant.display_name not in part and trainer.display_name not in part
    for client, token in zip(readers, tokens, strict=True):
        assert client.post("/logout", data={"csrf_token": token}).status_code in (302, 303)
        assert "Sign in" in _nav(client.get("/curriculum").get_data(as_text=True))


def test_a_new_role_shows_in_the_navigation_on_the_next_page(web, participant):
    web.login(participant.email)
    assert "Cohorts" not in _nav(web.client.get("/curriculum").get_data(as_text=True))
    participant.role = "trainer"
    db.session.commit()
    assert "Cohorts" in _nav(web.client.get("/curriculum").get_data(as_text=True))
    participant.role = "participant"
    db.session.commit()
    assert "Cohorts" not in _nav(web.client.get("/curriculum").get_data(as_text=True))
