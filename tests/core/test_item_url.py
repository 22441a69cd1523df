"""item_url builds the same address as url_for, from a pattern made once per app, for whole
numbers and plain text; anything else goes to url_for itself."""

import pytest
from flask import url_for

from portal.navigation import item_url

CASES = [
    ("discussion.thread_detail", {"thread_id": 7}),
    ("discussion.thread_detail", {"thread_id": 7, "after": 20}),
    ("discussion.thread_detail", {"thread_id": 7, "after": None}),
    ("discussion.thread_detail", {"thread_id": 7, "quote": 3}),
    ("learning.reading_detail", {"number": 3, "slug": "what-the-protocol-says"}),
    ("learning.reading_done", {"number": 11, "slug": "ethical_data.collection~2"}),
    # Text url_for would quote, and values of other kinds: url_for itself.
    ("learning.reading_detail", {"number": 3, "slug": "a slug/with ?#"}),
    ("learning.reading_detail", {"number": 3, "slug": "ข้อมูล"}),
    ("discussion.thread_detail", {"thread_id": 7, "after": True}),
]


@pytest.mark.parametrize("script_root", ["", "/portal"])
def test_item_url_writes_what_url_for_writes(app, script_root):
    for _round in range(2):  # the first builds each pattern, the second uses it
        for endpoint, values in CASES:
            with app.test_request_context("/", base_url=f"http://localhost{script_root}/"):
                expected = url_for(endpoint, **{k: v for k, v in values.items() if v is not None})
                assert item_url(endpoint, **values) == expected
                assert expected.startswith(script_root + "/")


def test_a_number_and_the_same_digits_as_text_keep_their_own_patterns(app):
    with app.test_request_context("/"):
        assert item_url("learning.reading_detail", number=3, slug="12") == url_for(
            "learning.reading_detail", number=3, slug="12"
        )
        assert item_url("learning.reading_detail", number=3, slug=12) == url_for(
            "learning.reading_detail", number=3, slug=12
        )


def test_a_value_the_route_takes_only_as_one_of_its_words(app):
    """`<any(hide, restore, dismiss):action>`: each word gets its own pattern, and a word
    the route does not take is refused as url_for refuses it."""
    with app.test_request_context("/"):
        for _round in range(2):
            for action in ("hide", "restore", "dismiss"):
                for post_id in (5, 61):
                    assert item_url(
                        "discussion.post_moderate", post_id=post_id, action=action
                    ) == url_for("discussion.post_moderate", post_id=post_id, action=action)
            with pytest.raises(ValueError, match="not one of"):
                url_for("discussion.post_moderate", post_id=5, action="delete")
            kept = len(app.extensions["portal_item_urls"])
            with pytest.raises(ValueError, match="not one of"):
                item_url("discussion.post_moderate", post_id=5, action="delete")
            assert len(app.extensions["portal_item_urls"]) == kept  # nothing kept for it


@pytest.mark.parametrize("script_root", ["", "/portal"])
def test_item_url_parts_write_each_items_address(app, script_root):
    """A list finds the address's parts once and writes each item's number between them."""
    from portal.navigation import item_url_parts

    with app.test_request_context("/", base_url=f"http://localhost{script_root}/"):
        for endpoint, words in (
            ("discussion.post_edit", {}),
            ("discussion.post_moderate", {"action": "restore"}),
        ):
            before, after = item_url_parts(endpoint, "post_id", **words)
            for post_id in (1, 42, 9_000_001):
                written = f"{before}{post_id}{after}"
                assert written == url_for(endpoint, post_id=post_id, **words)
