"""Profile choices take effect: country, organisation and organisation type appear beside the
name on posts and in thread lists exactly as the person chose, and nothing else does."""

from __future__ import annotations

import re

import pytest

from discussion.conftest import sign_in

COUNTRY, ORGANISATION, ORG_TYPE = "Cambodia", "Fictional Harbour Shelter", "Survivor-led group"
TOGGLES = ("show_country", "show_organisation", "show_organisation_type")


def choose(web, user, *shown: str) -> None:
    """The person ticks the given boxes on their profile page (the others stay unticked)."""
    sign_in(web, user)
    data = {
        "display_name": user.display_name,
        "country": "KH",
        "organisation": ORGANISATION,
        "organisation_type": "survivor_led",
        "language": "en",
        **{name: "y" for name in shown},
    }
    response = web.post("/account/profile", data)
    assert response.status_code == 303, response.get_data(as_text=True)
    web.logout()


def post_meta(page: str, post_id: int) -> str:
    match = re.search(rf'id="post-{post_id}">\s*<p class="post-meta">(.*?)</p>', page, re.S)
    assert match, "post not on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


def seen_by_peer(web, world) -> tuple[str, str, str]:
    sign_in(web, world.peer)
    thread = web.client.get(f"/discussion/threads/{world.thread_a.id}").get_data(as_text=True)
    board = web.client.get(f"/discussion/boards/{world.board_a.id}").get_data(as_text=True)
    return thread, post_meta(thread, world.posts_a[0].id), board


EXPECTED = {
    (): "",
    ("show_country",): f"({COUNTRY})",
    ("show_organisation",): f"({ORGANISATION})",
    ("show_organisation_type",): f"({ORG_TYPE})",
    TOGGLES: f"({COUNTRY}, {ORGANISATION}, {ORG_TYPE})",
}


@pytest.mark.parametrize("shown", list(EXPECTED), ids=lambda s: "+".join(s) or "nothing")
def test_each_choice_is_shown_beside_the_name_and_nothing_else(web, world, shown):
    name = world.participant.display_name
    choose(web, world.participant, *shown)
    thread, meta, board = seen_by_peer(web, world)
    details = EXPECTED[shown]
    assert meta.startswith(f"{name} {details}".strip() + " #1")
    assert f"by {name}{' ' + details if details else ''}" in re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", "", board)
    )
    for toggle, value in zip(TOGGLES, (COUNTRY, ORGANISATION, ORG_TYPE), strict=True):
        for page in (thread, board):
            assert (value in page) == (toggle in shown), (toggle, value)


def test_the_profile_offers_all_three_choices_and_keeps_them(web, world):
    choose(web, world.participant, "show_organisation_type")
    sign_in(web, world.participant)
    page = web.client.get("/account/profile").get_data(as_text=True)
    assert "Show my type of organisation to other participants" in page
    boxes = dict(re.findall(r'<input([^>]*?)id="(show_[a-z_]+)"', page)[i][::-1] for i in range(3))
    assert "checked" in boxes["show_organisation_type"]
    assert "checked" not in boxes["show_country"] and "checked" not in boxes["show_organisation"]
