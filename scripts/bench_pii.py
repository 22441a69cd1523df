"""Time the identifier check on long posts (the goal: a 20,000-character post < 100 ms).

Run: .venv/bin/python scripts/bench_pii.py  (prints the best of five runs per input).

Times are CPU time of this process (time.process_time), so that a busy shared machine
does not inflate them; the slowest input is printed last. Repetitive inputs are the ones
that expose quadratic or backtracking patterns; keyword-gated patterns (portal.pii._near)
are scanned once per merged stretch of text, so each stays linear.
"""

from __future__ import annotations

import time
from pathlib import Path

from portal.pii import find_identifiers

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "discussion" / "pii_corpus"


def _corpus_text(size: int) -> str:
    lines = (CORPUS / "identifiers.txt").read_text(encoding="utf-8").splitlines()
    lines = [line.split("\t", 1)[-1] for line in lines if line.strip()]
    lines += (CORPUS / "harmless.txt").read_text(encoding="utf-8").splitlines()
    text, i = "", 0
    while len(text) < size:
        text += lines[(i * 7) % len(lines)] + " "
        i += 1
    return text[:size]


INPUTS = {
    "corpus mix": _corpus_text(20_000),
    "digits and spaces": ("1 " * 10_000)[:20_000],
    "one long number": "9" * 20_000,
    "'x at ' repeated": ("x at " * 4_000)[:20_000],
    "'+1 (2) ' repeated": ("+1 (2) " * 3_000)[:20_000],
    "'12 Aa ' repeated": ("12 Aa " * 3_400)[:20_000],
    "'Ward No. 1, ' repeated": ("Ward No. 1, " * 2_000)[:20_000],
    "'Sangkat A ' repeated": ("Sangkat A " * 2_000)[:20_000],
    "'House 1, Road 2, ' repeated": ("House 1, Road 2, " * 1_200)[:20_000],
    "'Henveyru, A Magu ' repeated": ("Henveyru, A Magu " * 1_200)[:20_000],
    "'born ' repeated": ("born " * 4_000)[:20_000],
    "'passport no. 1 ' repeated": ("passport no. 1 " * 1_400)[:20_000],
    "'a@b.' repeated": ("a@b." * 5_000)[:20_000],
    "'G-9/4, ' repeated": ("G-9/4, " * 3_000)[:20_000],
    "'УБ 99031512 ' repeated": ("УБ 99031512 " * 1_700)[:20_000],
    "'УБ1 ' repeated": ("УБ1 " * 5_000)[:20_000],
    "'PSN PhilSys 1 ' repeated": ("PSN PhilSys 1 " * 1_500)[:20_000],
    "'4651237895 ' repeated": ("4651237895 " * 1_900)[:20_000],
    "'9841555123 ' repeated": ("9841555123 " * 1_900)[:20_000],
    "'2345 6789 0123 ' repeated": ("2345 6789 0123 " * 1_400)[:20_000],
    "'Tel 0812345678, ' repeated": ("Tel 0812345678, " * 1_300)[:20_000],
}


def main() -> None:
    worst = 0.0
    for name, text in INPUTS.items():
        best = float("inf")
        for _ in range(5):
            started = time.process_time()
            found = find_identifiers(text)
            best = min(best, time.process_time() - started)
        worst = max(worst, best)
        print(f"{name:28} {len(text):6} chars  {len(found):5} findings  {best * 1000:7.1f} ms")
    print(f"worst: {worst * 1000:.1f} ms (goal < 100 ms)")


if __name__ == "__main__":
    main()
