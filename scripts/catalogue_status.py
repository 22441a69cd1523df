"""Print, per language, how many interface strings are missing, untranslated or fuzzy."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.i18n.catalogues import check, locales, source_messages  # noqa: E402


def main() -> int:
    sources = source_messages()
    worst = 0
    for locale in locales():
        report = check(locale, sources)
        print(
            f"{locale}: {len(sources)} strings, {len(report.missing)} missing, "
            f"{len(report.untranslated)} untranslated, {len(report.fuzzy)} fuzzy, "
            f"{len(report.placeholders)} with other placeholders"
        )
        for problem in report.problems[:20]:
            print(f"   {problem}")
        worst = max(worst, len(report.problems))
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())
