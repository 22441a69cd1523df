"""The library: facets with counts, combined filters, free text, sort, fragments and the
SPEC §4 budgets (statements the same at 10 and 500 practices, page weight)."""

from __future__ import annotations

import gzip
import random
from collections import Counter

import pytest
from measure import count_statements, page_weight
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.discussion.permissions import viewer_for
from portal.extensions import db
from portal.practices import queries
from portal.practices.models import FACETS, Practice, PracticeTag
from practices.conftest import HX, insert_published, published, sign_in

COUNTRIES = [
    "BD",
    "KH",
    "CN",
    "IN",
    "ID",
    "KR",
    "MY",
    "MV",
    "MN",
    "NP",
    "PK",
    "PH",
    "TH",
    "LK",
    "VN",
    "LA",
    "MM",
    "TL",
    "FJ",
    "AU",
    "NZ",
    "JP",
]
COLD_BYTES = 50 * 1024
FRAGMENT_BYTES = 5 * 1024


def expected_counts(filters: dict[str, list[str]]) -> dict[str, Counter]:
    """Facet counts worked out in Python from every stored tag: for each facet, the
    practices matching every *other* facet's filter, counted per value."""
    tags: dict[int, set[tuple[str, str]]] = {}
    for practice_id, facet, value in db.session.execute(
        select(PracticeTag.practice_id, PracticeTag.facet, PracticeTag.value)
        .join(Practice)
        .where(Practice.status == "published")
    ):
        tags.setdefault(practice_id, set()).add((facet, value))

    def matches(practice_tags, skip=None):
        return all(
            any((facet, value) in practice_tags for value in values)
            for facet, values in filters.items()
            if facet != skip
        )

    out = {facet: Counter() for facet in FACETS}
    for practice_tags in tags.values():
        for facet, value in practice_tags:
            if matches(practice_tags, skip=facet):
                out[facet][value] += 1
    return out


def run(viewer, **args) -> queries.LibraryPage:
    return queries.library(viewer, queries.LibraryQuery.from_args(MultiDict(args)))


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"country": ["TH"]},
        {"country": ["TH", "NP"], "pillar": ["protection"]},
        {"pillar": ["prevention"], "org": ["ngo"], "target": ["children", "fishers"]},
        {"objective": ["2"], "session": ["1", "3"], "country": ["PH"]},
    ],
    ids=["none", "one-country", "two-countries-pillar", "three-facets", "curriculum"],
)
def test_facet_counts_are_correct_for_500_practices(people, filters):
    insert_published(500, COUNTRIES)
    # Unpublished practices never count.
    db.session.execute(db.update(Practice).where(Practice.id % 50 == 0).values(status="archived"))
    db.session.commit()
    viewer = viewer_for(people.peer)
    page = run(viewer, **filters)
    expected = expected_counts(filters)
    for facet in FACETS:
        got = {value: count for value, count in page.facets[facet] if count}
        assert got == dict(expected[facet]), facet
    # The total is what every filter together finds.
    total = db.session.scalar(
        select(db.func.count())
        .select_from(Practice)
        .where(
            Practice.status == "published",
            *[queries._has_value(facet, values) for facet, values in filters.items()],
        )
    )
    assert page.total == total
    assert len(page.practices) == min(total, queries.PER_PAGE)


def test_random_filter_combinations_match_a_python_count(people):
    insert_published(200, COUNTRIES)
    viewer = viewer_for(people.peer)
    rng = random.Random(11)
    for _ in range(15):
        filters = {
            facet: rng.sample(sorted({v for v, _c in run(viewer).facets[facet]}), rng.randint(1, 2))
            for facet in rng.sample(FACETS, rng.randint(1, 3))
        }
        page = run(viewer, **filters)
        expected = expected_counts(filters)
        for facet in FACETS:
            values = page.facets[facet]
            assert {v: c for v, c in values if c} == dict(expected[facet]), (filters, facet)
            # Most practices first, ties by value; the curriculum's by number; the chosen
            # values are there even without practices (to untick them).
            if facet in ("objective", "session"):
                assert values == sorted(values, key=lambda item: int(item[0]))
            else:
                assert values == sorted(values, key=lambda item: (-item[1], item[0]))
            assert set(filters.get(facet, ())) <= {v for v, _c in values}


def test_free_text_and_sorting(people):
    quiet = published(
        people.author, people.trainer, title="Shelter intake in an invented town", summary="Intake."
    )
    loud = published(
        people.author,
        people.trainer,
        title="Hotline for fishers at sea",
        summary="A hotline.",
        results="Calls were answered.",
        lessons="Staff the line at night.",
    )
    loud.useful_count = 5
    db.session.commit()
    viewer = viewer_for(people.peer)
    assert [p.id for p in run(viewer, q="HOTLINE fishers").practices] == [loud.id]
    assert run(viewer, q="hotline intake").total == 0
    assert [p.id for p in run(viewer).practices] == [loud.id, quiet.id]  # newest first
    quiet.useful_count = 9
    db.session.commit()
    assert [p.id for p in run(viewer, sort="useful").practices] == [quiet.id, loud.id]
    # Wildcards and search operators are plain characters, not patterns or syntax.
    assert run(viewer, q="hot%").total == 0
    assert run(viewer, q="hot*").total == 0
    assert run(viewer, q='hotline OR "shelter').total == 0
    # Punctuation alone is no search at all.
    assert run(viewer, q="%").total == 2


def test_free_text_uses_the_site_search_mechanism(people):
    """Word forms and several words, as the site search finds them (FTS5 on SQLite, the
    English text search on PostgreSQL); only published practices, facets still apply."""
    campaign = published(
        people.author,
        people.trainer,
        title="Awareness campaign for fishing crews",
        summary="Posters in ports explain where crews can ask for help.",
        description="Trained volunteers visited the harbours before each season.",
        countries=["PH"],
    )
    published(
        people.author,
        people.trainer,
        title="Shelter intake in an invented town",
        summary="Intake.",
        description="Caseworkers meet each person on arrival.",
        countries=["TH"],
    )
    published(people.author, people.trainer, title="Archived campaign", summary="Old.")
    hidden = db.session.scalar(select(Practice).where(Practice.title == "Archived campaign"))
    from portal.practices import services

    services.archive(people.trainer, hidden)
    viewer = viewer_for(people.peer)

    def found(**args):
        return [p.id for p in run(viewer, **args).practices]

    # Another word form than the one stored: "campaigns", "visiting", "harbour".
    assert found(q="campaigns") == [campaign.id]
    assert found(q="visiting harbour") == [campaign.id]
    # Several words anywhere in title, summary and description, in any order.
    assert found(q="crews posters volunteers") == [campaign.id]
    assert found(q="campaign caseworkers") == []
    # The text filter and the facets combine, and the counts follow the text.
    assert found(q="campaign", country="TH") == []
    page = run(viewer, q="campaign")
    assert page.total == 1
    assert dict(page.facets["country"]) == {"PH": 1}


def test_free_text_finds_words_in_results_and_lessons(people):
    """Every text field a reader sees is searched, on both databases (the PostgreSQL index
    covers results and lessons since migration 0016, as FTS5 does on SQLite)."""
    practice = published(
        people.author,
        people.trainer,
        title="Referral cards for an invented port",
        summary="Cards listing who to call.",
        description="Volunteers handed out cards.",
        results="Forty invented crews telephoned the counselling hotline.",
        lessons="Laminate the cards: seawater ruined the first batch.",
    )
    viewer = viewer_for(people.peer)

    def found(q):
        return [p.id for p in run(viewer, q=q).practices]

    assert found("counselling") == [practice.id]
    assert found("seawater laminated") == [practice.id]
    assert found("seawater caseworkers") == []


def test_the_postgresql_index_covers_the_searched_expression(app):
    """The GIN index is built on the same expression the library's query uses, so
    PostgreSQL can use it (a different expression would leave every search a full scan)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's expression index")
    from sqlalchemy import text
    from sqlalchemy.dialects import postgresql

    from portal.search.queries import _practice_document

    definition = db.session.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_search_practice'")
    )
    compiled = str(
        _practice_document(Practice).compile(
            dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
        )
    )
    for column in ("title", "summary", "description", "results", "lessons"):
        assert column in definition and f"practice.{column}" in compiled


def test_unknown_filter_values_are_ignored(web, people):
    published(people.author, people.trainer)
    sign_in(web, people.peer)
    response = web.client.get(
        "/practices/?country=XX&country=<script>&pillar=bogus&objective=abc&sort=x&page=-4"
    )
    assert response.status_code == 200
    assert "1 practice" in response.get_data(as_text=True)


def test_filters_in_the_url_and_fragment(web, people):
    insert_published(40, COUNTRIES)
    sign_in(web, people.peer)
    html = web.client.get("/practices/?country=TH&pillar=protection").get_data(as_text=True)
    assert 'id="f-country-TH" name="country" value="TH" checked' in html
    assert 'id="f-pillar-protection" name="pillar" value="protection" checked' in html
    # The link leads to the library without filters, on the page and in the fragment (the
    # block is rendered apart from the page, so it cannot read the page's variables).
    assert '<a href="/practices/">Clear all filters</a>' in html
    fragment = web.client.get("/practices/?country=TH", headers=HX)
    assert fragment.status_code == 200
    assert "HX-Request" in fragment.headers["Vary"]
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="library"') and "<html" not in body
    assert '<a href="/practices/">Clear all filters</a>' in body
    assert len(gzip.compress(fragment.get_data())) <= FRAGMENT_BYTES
    # The pager keeps the filters.
    html = web.client.get("/practices/").get_data(as_text=True)
    assert 'href="/practices/?page=2"' in html
    html = web.client.get("/practices/?pillar=protection&sort=useful").get_data(as_text=True)
    assert "page=2" in html and "pillar=protection" in html and "sort=useful" in html


def statements(app, client, path, headers=None) -> int:
    with count_statements(app) as log:
        response = client.get(path, headers=headers or {})
        assert response.status_code == 200, path
    return log.count


PAGES = {
    "library": "/practices/",
    "filtered": "/practices/?country=TH&country=NP&pillar=protection&q=referral&sort=useful",
    "page 2": "/practices/?page=2",
    "fragment": ("/practices/?pillar=prevention", HX),
}


def test_statement_counts_do_not_grow_with_the_library(app, web, people):
    sign_in(web, people.peer)
    source = published(people.author, people.trainer, title="Adapted widely")

    def measure():
        queries._PAGES.clear()  # each page read as the worker's first request for it
        out = {}
        for name, spec in PAGES.items():
            path, headers = spec if isinstance(spec, tuple) else (spec, None)
            out[name] = statements(app, web.client, path, headers)
        out["detail"] = statements(app, web.client, f"/practices/{source.id}")
        return out

    insert_published(10, COUNTRIES)
    small = measure()
    insert_published(490, COUNTRIES, start=10)
    db.session.execute(db.update(Practice).where(Practice.id >= 10_400).values(adapts_id=source.id))
    db.session.commit()
    large = measure()
    assert small == large
    assert max(large.values()) <= 8, large


def test_library_page_within_budgets(app, web, people):
    insert_published(500, COUNTRIES)
    sign_in(web, people.peer)
    weight = page_weight(web.client, "/practices/")
    assert weight.requests <= 6, weight.sizes
    assert weight.bytes <= COLD_BYTES, weight.sizes
    assert not weight.other_hosts
    filtered = web.client.get("/practices/?country=TH", headers={"Accept-Encoding": "gzip"})
    filtered.direct_passthrough = False
    assert len(filtered.get_data()) <= 10 * 1024  # next page, warm cache
    # Fragments on the wire: the library results, the useful toggle, the comments.
    practice = published(people.author, people.trainer)
    path = f"/practices/{practice.id}"
    gz = {**HX, "Accept-Encoding": "gzip"}
    fragments = {
        "library": web.client.get("/practices/?pillar=prevention&country=TH", headers=gz),
        "useful": web.post(f"{path}/useful", {"useful": "1"}, token_from=path, headers=gz),
        "comments": web.post(
            f"{path}/comments", {"body": "Thanks.", "token": "b1"}, token_from=path, headers=gz
        ),
    }
    for name, response in fragments.items():
        assert response.status_code == 200, name
        assert "HX-Request" in response.headers["Vary"], name
        response.direct_passthrough = False
        assert len(response.get_data()) <= FRAGMENT_BYTES, (name, len(response.get_data()))
