"""SPEC §4 page budgets for the foundation's pages."""

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


def test_home_statement_count_is_small(app, client):
    with count_statements(app) as log:
        assert client.get("/").status_code == 200
    assert log.count <= 8, log.statements
