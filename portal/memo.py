"""Values kept per worker, bounded, for work whose result depends on its key alone: a date
written in a language, a decoded document of one version, rendered HTML (see
docs/ARCHITECTURE.md, "Work kept per worker": the key holds every input, each read on the
request that asks for it)."""

from __future__ import annotations

from markupsafe import Markup


class Memo:
    """Values kept per worker, bounded: emptied when a new value would make it hold more
    than max_entries. Emptying at once (not least-recently-used) keeps a look-up a plain
    dict look-up; a full memo is refilled by the requests that follow."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._entries: dict = {}

    def __len__(self) -> int:
        return len(self._entries)

    def values(self):
        """What is kept (for tests and inspection)."""
        return self._entries.values()

    def peek(self, key):
        """The value kept under `key`, or None."""
        return self._entries.get(key)

    def get(self, key, make, *args):
        """The value kept under `key`, else make(*args), kept."""
        value = self._entries.get(key)
        if value is None:
            value = make(*args)
            self.keep(key, value)
        return value

    def keep(self, key, value) -> None:
        if len(self._entries) >= self.max_entries:
            self.clear()
        self._entries[key] = value

    def clear(self) -> None:
        self._entries.clear()


class FragmentMemo(Memo):
    """Rendered HTML kept per worker: also emptied when it would hold more than max_total
    characters, and a fragment longer than max_chars is not kept. Only for HTML that is
    a function of its key alone."""

    def __init__(self, max_entries: int, max_chars: int, max_total: int = 2_000_000):
        super().__init__(max_entries)
        self.max_chars = max_chars
        self.max_total = max_total  # characters: at most 2 to 4 bytes each in memory
        self._total = 0

    def keep(self, key, value: Markup) -> None:
        if len(value) > self.max_chars:
            return
        if self._total + len(value) > self.max_total:
            self.clear()
        super().keep(key, value)
        self._total += len(value)

    def clear(self) -> None:
        super().clear()
        self._total = 0
