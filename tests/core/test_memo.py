"""What a worker keeps is bounded: a memo never holds more than its entries (and, for
HTML, its characters), and a fragment too long to keep is made afresh each time."""

from markupsafe import Markup

from portal.memo import FragmentMemo, Memo


class Maker:
    def __init__(self):
        self.made = []

    def __call__(self, text):
        self.made.append(text)
        return Markup(text)


def test_a_kept_fragment_is_made_once_per_key():
    memo, make = FragmentMemo(max_entries=10, max_chars=100), Maker()
    assert memo.get(("a",), make, "<p>a</p>") == "<p>a</p>"
    assert memo.get(("a",), make, "<p>other</p>") == "<p>a</p>"  # kept under its key
    assert memo.get(("b",), make, "<p>b</p>") == "<p>b</p>"
    assert make.made == ["<p>a</p>", "<p>b</p>"]


def test_a_fragment_longer_than_max_chars_is_never_kept():
    memo, make = FragmentMemo(max_entries=10, max_chars=5), Maker()
    memo.get(("long",), make, "x" * 6)
    memo.get(("long",), make, "x" * 6)
    assert make.made == ["x" * 6, "x" * 6]


def test_the_memo_is_emptied_before_it_holds_too_many_entries_or_characters():
    memo, make = FragmentMemo(max_entries=2, max_chars=100), Maker()
    for key in ("a", "b", "c"):  # the third empties it
        memo.get((key,), make, key)
    memo.get(("a",), make, "a")  # made again: gone with the rest
    assert make.made == ["a", "b", "c", "a"]

    memo, make = FragmentMemo(max_entries=100, max_chars=100, max_total=10), Maker()
    memo.get(("a",), make, "a" * 6)
    memo.get(("b",), make, "b" * 6)  # 12 characters would be too many: emptied first
    memo.get(("b",), make, "b" * 6)
    memo.get(("a",), make, "a" * 6)
    assert make.made == ["a" * 6, "b" * 6, "a" * 6]


def test_a_memo_keeps_values_under_their_keys_and_empties_itself_when_full():
    memo, make = Memo(max_entries=2), Maker()
    assert memo.get(("a",), make, "a") == "a" and memo.get(("a",), make, "x") == "a"
    memo.keep(("b",), "b")
    assert memo.peek(("b",)) == "b" and memo.peek(("c",)) is None and len(memo) == 2
    memo.get(("c",), make, "c")  # a third value empties the memo first
    assert len(memo) == 1 and memo.peek(("a",)) is None and memo.peek(("c",)) == "c"
    assert make.made == ["a", "c"]
