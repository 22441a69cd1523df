"""SPEC §4 page budgets for the foundation's pages."""

import re

from measure import count_statements, page_weight

COLD_BYTES = 50 * 1024


def test_login_page_within_cold_budget(client):
    weight = page_weight(client, "/login")
    assert weight.requests <= 6, weight.sizes
    assert weight.bytes <= COLD_BYTES, weight.sizes
    assert weight.other_hosts == []
    assert any("htmx.min.js" in name for name in weight.sizes)


def test_home_page_within_cold_budget(client):
    weight = page_weight(client, "/")
    assert weight.requests <= 6 and weight.bytes <= COLD_BYTES, weight.sizes


def test_login_page_warm_is_small(client):
    response = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.get_data()) <= 10 * 1024


def test_static_assets_are_versioned_and_cacheable(client):
    page = client.get("/login").get_data(as_text=True)
    assert "/static/css/portal.css?v=" in page
    with client.get("/static/css/portal.css?v=1") as response:
        assert "max-age" in response.headers["Cache-Control"]
        assert b"font-family" in response.get_data()


def test_static_assets_do_not_vary_on_the_session_cookie(client):
    """A visitor's session cookie changes as they browse; an asset that varied on it would
    be fetched again (or re-checked) on every page instead of coming from the cache."""
    page = client.get("/login")
    assert "session=" in page.headers.get("Set-Cookie", "")  # the visitor has a session
    css = re.search(r'href="(/static/css/portal\.css\?v=[^"]+)"', page.get_data(as_text=True))
    with client.get(css.group(1), headers={"Accept-Encoding": "gzip"}) as response:
        assert response.status_code == 200
        assert "immutable" in response.headers["Cache-Control"]
        assert "Cookie" not in response.headers.get("Vary", "")
        assert "Set-Cookie" not in response.headers
    # Pages still vary on it (they differ per person).
    assert "Cookie" in client.get("/login").headers.get("Vary", "")


def test_home_statement_count_is_small(app, client):
    with count_statements(app) as log:
        assert client.get("/").status_code == 200
    assert log.count <= 8, log.statements
