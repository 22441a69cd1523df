"""Start or refresh a curriculum translation: print the English texts of a session with their
fingerprints, in the layout of content/sessions/<session>/translations/<language>.yaml.

    .venv/bin/python scripts/translation_template.py content 1 th > new.yaml

Translate the texts and keep each `source:` line: it records which English version the
translation follows, so the authoring page can show items that are older than their original.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.i18n.content import fingerprint  # noqa: E402
from portal.learning.content_files import (  # noqa: E402
    _READING_RE,
    dump_yaml,
    parse_reading,
    read_yaml,
)


def template(root: Path, number: int, language: str) -> str:
    folder = next(p for p in (root / "sessions").iterdir() if p.name.startswith(f"{number:02d}-"))
    meta = read_yaml(folder / "session.yaml")
    session = {
        name: str(meta.get(name) or "").strip()
        for name in ("title", "summary", "discussion_prompt")
    }
    document: dict = {
        "language": language,
        "session": {"source": fingerprint(*session.values()), **session},
        "readings": {},
    }
    for path in sorted((folder / "readings").glob("*.md")):
        slug = _READING_RE.match(path.name).group(2)
        front, body = parse_reading(path)
        texts = {
            "title": str(front["title"]).strip(),
            "summary": str(front.get("summary") or "").strip(),
            "body": body,
        }
        document["readings"][slug] = {"source": fingerprint(*texts.values()), **texts}
    return dump_yaml(document)


if __name__ == "__main__":
    root, number, language = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    sys.stdout.write(template(root, number, language))
