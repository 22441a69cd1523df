"""What a library card shows (read from columns since the library stopped loading
Practice entities), and that the statements the library keeps per query shape never let
a person who may not read the library see a practice."""

from __future__ import annotations

from measure import count_statements
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.discussion.permissions import viewer_for
from portal.extensions import db
from portal.learning.models import CurriculumSession
from portal.practices import permissions, queries
from portal.practices.models import PracticeTag
from practices.conftest import HX, published, sign_in


def run(viewer, **args) -> queries.LibraryPage:
    return queries.library(viewer, queries.LibraryQuery.from_args(MultiDict(args)))


def test_a_card_shows_countries_pillars_usefulness_and_where_it_travelled(web, people):
    source = published(
        people.author,
        people.trainer,
        title="Desk & <referrals>",
        summary="A summary " + "long " * 60,
        countries=["TH", "KH"],
        pillars=["protection", "partnership"],
    )
    source.useful_count = 3
    db.session.commit()
    published(
        people.member_b,
        people.trainer,
        title="The desk, adapted",
        countries=["NP"],
        adapts_id=source.id,
    )
    published(people.author, people.trainer, title="Again", countries=["NP"], adapts_id=source.id)
    sign_in(web, people.peer)
    for headers in ({}, HX):
        html = web.client.get("/practices/", headers=headers).get_data(as_text=True)
        card = html[html.index(f'<a href="/practices/{source.id}">') :]
        card = card[: card.index("</article>")]
        assert card.startswith(f'<a href="/practices/{source.id}">Desk &amp; &lt;referrals&gt;</a>')
        # Countries by name and pillars in value order, as the practice page lists them.
        assert (
            '<p class="practice-meta">Cambodia, Thailand <span class="tag">Partnership</span> '
            '<span class="tag">Protection</span><span class="hint">3 found it useful</span></p>'
        ) in card
        assert '<p class="practice-summary">A summary long' in card and "...</p>" in card
        # Two published adaptations in one country: the country once.
        assert '<p class="hint travelled">Adapted in: Nepal</p>' in card


def test_the_library_shows_nothing_to_who_may_not_read_it_whatever_came_before(people):
    published(people.author, people.trainer, countries=["TH"])
    reader, outsider = viewer_for(people.peer), viewer_for(people.outsider)
    assert not permissions.reads_library(outsider)
    for args in ({}, {"country": ["TH"]}, {"sort": "useful"}, {"q": "referral"}):
        assert run(reader, **args).total == 1, args
        page = run(outsider, **args)  # the same shape of query, just after a reader's
        assert page.total == 0 and page.practices == [] and page.adaptations == {}, args
        assert all(count == 0 for values in page.facets.values() for _v, count in values)
        assert run(reader, **args).total == 1, args


def test_filters_paging_and_sort_bind_their_values(people):
    for n in range(12):
        published(
            people.author,
            people.trainer,
            title=f"Practice {n}",
            countries=["TH" if n % 2 else "NP"],
        )
    viewer = viewer_for(people.peer)
    assert run(viewer, country=["TH"]).total == 6
    assert run(viewer, country=["NP"]).total == 6
    assert run(viewer, country=["NP", "TH"]).total == 12
    first, second = run(viewer), run(viewer, page="2")
    assert len(first.practices) == 10 and len(second.practices) == 2
    assert {p.id for p in first.practices}.isdisjoint(p.id for p in second.practices)
    assert [p.title for p in second.practices] == ["Practice 1", "Practice 0"]


def test_facet_checkboxes_escape_curriculum_titles_and_tick_the_chosen_values(web, people):
    """The checkboxes are written in Python: a session title from the curriculum is
    escaped, the chosen value is ticked, the others are not."""
    session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == 3))
    session.title = 'Referral & <b>"care"</b>'
    db.session.commit()
    published(people.author, people.trainer, countries=["TH"])
    sign_in(web, people.peer)
    for headers in ({}, HX):
        html = web.client.get("/practices/?session=3", headers=headers).get_data(as_text=True)
        assert (
            '<li class="check"><input type="checkbox" id="f-session-3" name="session" '
            'value="3" checked> <label for="f-session-3">3. Referral &amp; '
            "&lt;b&gt;&#34;care&#34;&lt;/b&gt; "
            '<span class="count">(1)</span></label></li>'
        ) in html
        assert (
            '<input type="checkbox" id="f-country-TH" name="country" value="TH"> '
            '<label for="f-country-TH">Thailand <span class="count">(1)</span>'
        ) in html


def test_a_card_is_written_in_the_readers_language(web, people):
    source = published(people.author, people.trainer, countries=["TH"], pillars=["protection"])
    source.useful_count = 2
    db.session.commit()
    published(people.member_b, people.trainer, countries=["KH"], adapts_id=source.id)
    people.peer.language = "th"
    db.session.commit()
    sign_in(web, people.peer)
    html = web.client.get("/practices/", headers=HX).get_data(as_text=True)
    card = html[html.index(f'<a href="/practices/{source.id}">') :]
    card = card[: card.index("</article>")]
    assert '<span class="hint">2 คนเห็นว่ามีประโยชน์</span>' in card
    assert '<p class="hint travelled">นำไปปรับใช้ใน: กัมพูชา</p>' in card
    assert "ไทย" in card  # Thailand, by its Thai name
    # The facets: their titles and values in Thai too.
    assert "<legend>ประเทศ</legend>" in html
    assert '<label for="f-country-TH">ไทย <span class="count">(1)</span>' in html


def test_curriculum_labels_on_a_page_of_cards_and_on_a_page_past_the_last(web, people):
    """The labels are read with the facet counts, so a page without cards has them too."""
    published(people.author, people.trainer, countries=["TH"])  # session 3, objective 2
    sign_in(web, people.peer)
    for path in ("/practices/", "/practices/?page=9", "/practices/?session=3&page=9"):
        html = web.client.get(path, headers=HX).get_data(as_text=True)
        assert '<label for="f-session-3">3. Invented session 3 <span class="count">' in html
        assert '<label for="f-objective-2">2. Objective 2 <span class="count">' in html
    assert "practice-card" not in html


def test_one_statement_per_shape_serves_every_free_text(people):
    """The free text is bound at execution: the statement kept for "text, newest" after
    one search finds what the next search's words match, and nothing else."""
    harbour = published(people.author, people.trainer, title="Harbour inspections")
    hotline = published(people.author, people.trainer, title="Hotline for seafarers")
    reader = viewer_for(people.peer)
    for args, found in (
        ({"q": "harbour"}, [harbour.id]),
        ({"q": "hotline"}, [hotline.id]),
        ({"q": "hotline harbour"}, []),
        ({"q": "inspections", "sort": "useful"}, [harbour.id]),
        ({"q": "seafarers", "sort": "useful"}, [hotline.id]),
    ):
        page = run(reader, **args)
        assert [p.id for p in page.practices] == found, args
        assert page.total == len(found), args


def test_each_card_has_its_own_values_and_adaptations_on_every_page(app, people):
    """The cards' values are read with the page's rows: each practice gets its own
    countries, pillars and adaptations' countries (in value order, each once), on the
    first page, the second and a filtered one; the library runs one statement (two when
    it reads the counts, which it keeps for the next request: `test_library_counts`)."""
    made = {}
    for n in range(12):
        made[n] = published(
            people.author,
            people.trainer,
            title=f"Card {n}",
            countries=[["TH", "KH"], ["NP"], ["VN", "LA", "KH"]][n % 3],
            pillars=[["protection"], ["prevention", "partnership"], ["prosecution"]][n % 3],
        )
    for n, countries in ((1, ["VN"]), (1, ["PH", "VN"]), (4, ["TH"]), (11, ["MM"])):
        published(people.member_b, people.trainer, countries=countries, adapts_id=made[n].id)
    archived = published(people.member_b, people.trainer, countries=["ID"], adapts_id=made[4].id)
    archived.status = "archived"
    db.session.commit()
    by_title = {p.title: p for p in made.values()}
    reader = viewer_for(people.peer)
    seen = set()
    for args in ({}, {"page": "2"}, {"country": ["KH"]}, {"sort": "useful", "page": "2"}):
        run(reader, **args)
        with count_statements(app) as log:
            page = run(reader, **args)
        assert log.count == 1, args
        for item in page.practices:
            if item.title not in by_title:
                continue
            n = int(item.title.split()[1])
            seen.add(n)
            assert item.countries == [["KH", "TH"], ["NP"], ["KH", "LA", "VN"]][n % 3]
            assert (
                item.pillars
                == [["protection"], ["partnership", "prevention"], ["prosecution"]][n % 3]
            )
            expected = {1: ["PH", "VN"], 4: ["TH"], 11: ["MM"]}.get(n)
            assert page.adaptations.get(item.id) == expected, n
    assert seen == set(range(12))


def test_curriculum_labels_of_chosen_values_without_practices_and_of_retired_sessions(web, people):
    """A chosen session no practice has keeps its label (count 0); a retired session's
    value shows its number alone, as before it was read with the counts."""
    published(people.author, people.trainer, countries=["TH"])  # session 3, objective 2
    sign_in(web, people.peer)
    html = web.client.get("/practices/?session=2", headers=HX).get_data(as_text=True)
    assert ('<label for="f-session-2">2. Invented session 2 <span class="count">(0)</span>') in html
    session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == 3))
    session.is_retired = True
    db.session.commit()
    html = web.client.get("/practices/", headers=HX).get_data(as_text=True)
    assert '<label for="f-session-3">3 <span class="count">(1)</span>' in html
    assert '<label for="f-objective-2">2. Objective 2 <span class="count">' in html


def test_kept_cards_and_facets_change_with_each_of_their_inputs(web, people):
    """The cards and the facets are kept as HTML per worker: each change of what they show
    (title, summary, useful count, a country, an adaptation, a new practice, a session's
    title, the chosen values, the language, the script root) shows at once, and who may not
    read the library still may not."""
    source = published(people.author, people.trainer, title="Kept card", countries=["TH"])
    sign_in(web, people.peer)

    def fragment(path="/practices/", **kw):
        return web.client.get(path, headers=HX, **kw).get_data(as_text=True)

    def card(html):
        start = html.index(f'<a href="/practices/{source.id}">')
        return html[start : html.index("</article>", start)]

    assert "Kept card" in card(fragment()) and "Thailand" in card(fragment())
    changes = [
        (lambda: setattr(source, "title", "Renamed card"), "Renamed card"),
        (lambda: setattr(source, "summary", "A new summary"), "A new summary"),
        (lambda: setattr(source, "useful_count", 4), "4 found it useful"),
        (lambda: source.tags.append(PracticeTag(facet="country", value="KH")), "Cambodia, "),
    ]
    for change, shown in changes:
        assert shown not in card(fragment())
        change()
        db.session.commit()
        assert shown in card(fragment()), shown
    adaptation = published(people.member_b, people.trainer, countries=["NP"], adapts_id=source.id)
    assert "Adapted in: Nepal" in card(fragment())
    adaptation.status = "archived"
    db.session.commit()
    html = fragment()
    assert "Adapted in" not in card(html)
    assert '<label for="f-country-NP">' not in html
    published(people.member_b, people.trainer, countries=["NP"])
    assert '<label for="f-country-NP">Nepal <span class="count">(1)</span>' in fragment()
    assert '<label for="f-country-TH">Thailand <span class="count">(1)</span>' in fragment()
    session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == 3))
    session.title = "Retitled session"
    db.session.commit()
    assert '<label for="f-session-3">3. Retitled session <span class="count">(2)' in fragment()
    assert 'value="TH" checked>' not in fragment()
    assert 'value="TH" checked>' in fragment("/practices/?country=TH")
    rooted = fragment(base_url="http://localhost/portal/")
    assert f'<a href="/portal/practices/{source.id}">' in rooted
    people.peer.language = "th"
    db.session.commit()
    html = fragment()
    assert "<legend>ประเทศ</legend>" in html and "กัมพูชา, ไทย" in card(html)
    web.logout()
    sign_in(web, people.outsider)
    assert web.client.get("/practices/", headers=HX).status_code == 404
