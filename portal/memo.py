"""Rendered HTML kept per worker, for the pages whose parts change only when their inputs
do (see docs/ARCHITECTURE.md, "Work kept per worker": the key holds every input of the
fragment, each read on the request that asks for it)."""

from __future__ import annotations

from markupsafe import Markup


class FragmentMemo:
    """Rendered HTML kept per worker, bounded: emptied when it would hold more than
    max_entries fragments or max_total characters, and a fragment longer than max_chars
    is not kept. Only for HTML that is a function of its key alone."""

    def __init__(self, max_entries: int, max_chars: int, max_total: int = 2_000_000):
        self.max_entries = max_entries
        self.max_chars = max_chars
        self.max_total = max_total  # characters: at most 2 to 4 bytes each in memory
        self._entries: dict[tuple, Markup] = {}
        self._total = 0

    def get(self, key: tuple, make, *args) -> Markup:
        """The fragment kept under `key`, else make(*args) (kept if short enough)."""
        html = self._entries.get(key)
        if html is None:
            html = make(*args)
            if len(html) <= self.max_chars:
                full = len(self._entries) >= self.max_entries
                if full or self._total + len(html) > self.max_total:
                    self._entries.clear()
                    self._total = 0
                self._entries[key] = html
                self._total += len(html)
        return html
