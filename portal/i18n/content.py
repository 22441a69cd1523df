"""The curriculum in other languages: translation files next to each session in content/.

A session folder may hold `translations/<language>.yaml`:

    language: th
    session:   {source: <fingerprint>, title: …, summary: …, discussion_prompt: …}
    readings:  {<slug>: {source: <fingerprint>, title: …, summary: …, body: …}}
    quiz:      {title: …, feedback_pass: …, feedback_fail: …}
    questions: {<key>: {source: <fingerprint>, text: …, feedback: …, feedback_right: …,
                feedback_wrong: …, options: [{text, feedback}], answers: [{feedback}],
                pairs: [{left, right}]}}

Options, answers and pairs follow the order of the English quiz file. Accepted short
answers are not translated (they are what the grading compares); their feedback is.

`source` is the fingerprint of the English texts the item was translated from: when the
English changes, the item shows as "older than its original" until it is translated again.
Import keeps each file's exact text, so export writes it back byte for byte.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml
from flask import current_app, g, has_request_context
from markupsafe import Markup
from sqlalchemy import bindparam, select

from portal.database import read_rows
from portal.extensions import db
from portal.i18n.models import ContentTranslation
from portal.memo import Memo
from portal.translations import locale_code

SESSION_FIELDS = ("title", "summary", "discussion_prompt")
READING_FIELDS = ("title", "summary", "body")
QUESTION_FIELDS = ("text", "feedback")
QUESTION_FEEDBACK = ("feedback", "feedback_right", "feedback_wrong")
FALLBACK_ATTRS = Markup(' lang="en" dir="ltr"')
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TranslationError(Exception):
    """A translation file is not in the expected shape; the message says where."""


def fingerprint(*texts: str | None) -> str:
    """A short fingerprint of English texts; a translation stores the one it started from."""
    joined = "\x1f".join((t or "").strip() for t in texts)
    return hashlib.sha256(joined.encode()).hexdigest()[:12]


def session_source(session) -> str:
    return fingerprint(*(getattr(session, f) for f in SESSION_FIELDS))


def reading_source(reading) -> str:
    return fingerprint(*(getattr(reading, f) for f in READING_FIELDS))


def question_source(question) -> str:
    spec = question.spec or {}
    options = [(o.get("text"), o.get("feedback")) for o in spec.get("options") or []]
    texts = [spec.get("text"), spec.get("feedback"), repr(options)]
    # Fields beyond choice questions count only where the question has them, so the
    # fingerprint of a choice question stays what it always was.
    extra = [
        (name, spec.get(name)) for name in ("feedback_right", "feedback_wrong") if spec.get(name)
    ]
    extra += [("answer", a.get("feedback")) for a in spec.get("answers") or [] if a.get("feedback")]
    extra += [("pair", p.get("left"), p.get("right")) for p in spec.get("pairs") or []]
    if extra:
        texts.append(repr(extra))
    return fingerprint(*texts)


def question_texts(spec: dict, item: dict) -> dict[str, str]:
    """English text -> its translation, for every translated string of one question.

    The translation file lists options, answers and pairs in the order of the English file;
    a text that is missing or empty stays English.
    """
    pairs = [(spec.get(n), item.get(n)) for n in ("text", *QUESTION_FEEDBACK)]
    for english, translated in zip(
        spec.get("options") or [], item.get("options") or [], strict=False
    ):
        pairs += [(english.get(n), (translated or {}).get(n)) for n in ("text", "feedback")]
    for english, translated in zip(
        spec.get("answers") or [], item.get("answers") or [], strict=False
    ):
        pairs.append((english.get("feedback"), (translated or {}).get("feedback")))
    for english, translated in zip(spec.get("pairs") or [], item.get("pairs") or [], strict=False):
        pairs += [(english.get(n), (translated or {}).get(n)) for n in ("left", "right")]
    found = {}
    for english, translated in pairs:
        if isinstance(english, str) and isinstance(translated, str) and translated.strip():
            found[english] = translated
            found[english.strip()] = translated.strip()
    return found


def translate_spec(spec: dict, texts: dict[str, str]) -> dict:
    """A copy of a question spec with its texts replaced by their translations."""
    if not texts:
        return spec

    def tr(value):
        return texts.get(value, value) if isinstance(value, str) else value

    copy = {k: tr(v) if k in ("text", *QUESTION_FEEDBACK) else v for k, v in spec.items()}
    for part, names in (("options", ("text", "feedback")), ("answers", ("feedback",))):
        if spec.get(part):
            copy[part] = [
                {k: tr(v) if k in names else v for k, v in entry.items()} for entry in spec[part]
            ]
    if spec.get("pairs"):
        copy["pairs"] = [{k: tr(v) for k, v in pair.items()} for pair in spec["pairs"]]
    return copy


# --------------------------------------------------------------------------- files


def parse(text: str, where: str) -> dict:
    """The parsed translation document, checked for its shape."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise TranslationError(f"{where}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise TranslationError(f"{where}: expected a mapping at the top level")
    for part in ("session", "readings", "questions"):
        if not isinstance(data.get(part) or {}, dict):
            raise TranslationError(f"{where}: `{part}` must be a mapping")
    return data


def import_translations(folder: Path, session_number: int) -> int:
    """Store every translation file of one session folder, exactly as written; caller commits."""
    offered = set(current_app.config["LANGUAGES"]) - {"en"}
    count = 0
    for path in sorted((folder / "translations").glob("*.yaml")):
        language = path.stem
        if language not in offered:
            raise TranslationError(f"{path}: {language!r} is not one of {sorted(offered)}")
        text = path.read_bytes().decode("utf-8")
        data = parse(text, str(path))
        row = db.session.scalar(
            select(ContentTranslation).where(
                ContentTranslation.session_number == session_number,
                ContentTranslation.language == language,
            )
        )
        if row is None:
            row = ContentTranslation(session_number=session_number, language=language)
            db.session.add(row)
        row.document, row.data = text, data
        count += 1
    return count


def export_translations(folder: Path, session_number: int) -> int:
    """Write the session's translation documents back as they were imported."""
    rows = db.session.scalars(
        select(ContentTranslation)
        .where(ContentTranslation.session_number == session_number)
        .order_by(ContentTranslation.language)
    ).all()
    for row in rows:
        path = folder / "translations" / f"{row.language}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(row.document.encode("utf-8"))
    return len(rows)


# --------------------------------------------------------------------------- pages


@dataclass
class SessionTexts:
    """A session's texts in the page's language where a translation exists, else English."""

    language: str
    data: dict = field(default_factory=dict)
    # The translation's updated_at (None: English, or no translation): the texts' version.
    version: datetime | None = None

    @property
    def is_english_page(self) -> bool:
        return self.language == "en"

    def _item(self, kind: str, key: str | None) -> dict:
        if kind in ("session", "quiz"):
            return self.data.get(kind) or {}
        return (self.data.get(kind) or {}).get(key) or {}

    def has(self, kind: str = "session", key: str | None = None) -> bool:
        return bool(self._item(kind, key))

    def text(self, kind: str, key: str | None, name: str, english: str) -> str:
        """The translated field, or the English one."""
        value = self._item(kind, key).get(name)
        return value if isinstance(value, str) and value.strip() else english

    def session(self, name: str, english: str) -> str:
        return self.text("session", None, name, english)

    def reading(self, slug: str, name: str, english: str) -> str:
        return self.text("readings", slug, name, english)

    def question(self, spec: dict) -> dict[str, str]:
        """English -> translated texts of one question (empty on English pages or if missing)."""
        if self.is_english_page:
            return {}
        item = (self.data.get("questions") or {}).get(spec.get("key"))
        return question_texts(spec, item) if isinstance(item, dict) else {}

    def quiz(self, name: str, english: str) -> str:
        """The quiz's title or end-of-quiz feedback in the page's language, else English."""
        return self.text("quiz", None, name, english)

    def attrs(self, kind: str = "session", key: str | None = None) -> Markup:
        """` lang="en" dir="ltr"` for English text on a page in another language, else nothing."""
        if self.is_english_page or self.has(kind, key):
            return Markup("")
        return FALLBACK_ATTRS


# A session's translation is a large JSON document: each request reads its version
# (updated_at), and the document is decoded once per version and process. The texts are
# the same for everyone reading that session in that language.
_TRANSLATION_VERSION = select(ContentTranslation.updated_at).where(
    ContentTranslation.session_number == bindparam("number"),
    ContentTranslation.language == bindparam("language"),
)
_TRANSLATION = select(ContentTranslation.updated_at, ContentTranslation.data).where(
    ContentTranslation.session_number == bindparam("number"),
    ContentTranslation.language == bindparam("language"),
)
_DECODED = Memo(max_entries=500)


def session_texts(session_number: int, language: str | None = None) -> SessionTexts:
    """The session's texts for the page's language: one statement, kept for the request."""
    language = language or locale_code()
    if language == "en":
        return SessionTexts("en")
    cache = g.setdefault("_session_texts", {}) if has_request_context() else {}
    key = (session_number, language)
    if key not in cache:
        cache[key] = _current_texts(session_number, language)
    return cache[key]


def _current_texts(number: int, language: str) -> SessionTexts:
    values = {"number": number, "language": language}
    version = read_rows(_TRANSLATION_VERSION, values).scalar()
    if version is None:
        return SessionTexts(language)
    texts = _DECODED.peek((number, language, version))
    if texts is None:
        row = read_rows(_TRANSLATION, values).first()
        if row is None:  # removed since the first statement
            return SessionTexts(language)
        texts = SessionTexts(language, row.data or {}, row.updated_at)
        _DECODED.keep((number, language, row.updated_at), texts)
    return texts


def quiz_text(quiz, session_number: int | None, name: str) -> str:
    """A session quiz's title or end-of-quiz feedback in the page's language, else English."""
    english = getattr(quiz, name) or ""
    if not session_number:
        return english
    return session_texts(session_number).quiz(name, english)


# --------------------------------------------------------------------------- authoring


@dataclass
class ItemStatus:
    kind: str
    key: str
    label: str
    state: dict[str, str]  # language -> "current" | "outdated" | "missing"


def translation_status(sessions, readings_by_session, questions_by_session) -> list[dict]:
    """Per session, each item's state in every offered language; for the authoring page."""
    languages = [code for code in current_app.config["LANGUAGES"] if code != "en"]
    rows = db.session.execute(
        select(
            ContentTranslation.session_number, ContentTranslation.language, ContentTranslation.data
        )
    ).all()
    documents = {(number, language): data for number, language, data in rows}

    def state(number, kind, key, source):
        result = {}
        for language in languages:
            document = documents.get((number, language)) or {}
            item = (
                document.get("session")
                if kind == "session"
                else (document.get(kind) or {}).get(key)
            )
            if not item:
                result[language] = "missing"
            elif item.get("source") != source:
                result[language] = "outdated"
            else:
                result[language] = "current"
        return result

    report = []
    for session in sessions:
        items = [
            ItemStatus(
                "session",
                "",
                session.title,
                state(session.number, "session", None, session_source(session)),
            )
        ]
        for reading in readings_by_session.get(session.id, []):
            items.append(
                ItemStatus(
                    "readings",
                    reading.slug,
                    reading.title,
                    state(session.number, "readings", reading.slug, reading_source(reading)),
                )
            )
        for question in questions_by_session.get(session.id, []):
            items.append(
                ItemStatus(
                    "questions",
                    question.key,
                    (question.spec or {}).get("name") or question.key,
                    state(session.number, "questions", question.key, question_source(question)),
                )
            )
        report.append({"session": session, "items": items, "languages": languages})
    return report
