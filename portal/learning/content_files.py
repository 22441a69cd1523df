"""The curriculum as files: programme facts, sessions, readings and quizzes (Markdown + YAML).

`import_curriculum(root)` creates or updates everything from a content folder (by number,
slug or key, never duplicating; readings and questions that left the files are retired,
not deleted, so attempts keep pointing at them). `export_curriculum(root)` writes the
same layout back, so export → import → export gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import yaml
from sqlalchemy import select

from portal.extensions import db
from portal.i18n.content import TranslationError, export_translations, import_translations
from portal.learning.grading import validate_question
from portal.learning.models import (
    REVEAL_POLICIES,
    CurriculumSession,
    Objective,
    Partner,
    Programme,
    Question,
    Quiz,
    Reading,
)
from portal.markdown import reading_minutes, render_plain

ASSESSMENT_KEY = "assessment"
QUIZ_FIELDS = ("title", "pass_mark", "max_attempts", "shuffle", "feedback_pass", "feedback_fail")
_READING_RE = re.compile(r"^(\d+)-([a-z0-9][a-z0-9-]*)\.md$")
_FRONT_MATTER_RE = re.compile(r"\A---\n(.*?\n)---\n", re.S)


# The C loader (libyaml) when present: ten times faster, same results.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(Exception):
    """The content folder is not in the expected shape; the message says where."""


def read_yaml(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping at the top level")
    return data


def session_quiz_key(number: int) -> str:
    return f"session-{number:02d}"


# --------------------------------------------------------------------------- import


def import_programme(root: Path) -> dict[str, int]:
    """Create or update the programme title, objectives and partners from programme.yaml."""
    data = read_yaml(root / "programme.yaml")
    counts = {"objectives": 0, "partners": 0}
    programme = db.session.get(Programme, 1) or Programme(id=1)
    programme.title = data.get("title") or ""
    db.session.add(programme)
    for item in data.get("objectives", []):
        objective = db.session.get(Objective, int(item["number"]))
        if objective is None:
            objective = Objective(number=int(item["number"]))
            db.session.add(objective)
        objective.title = item["title"]
        objective.description = item["description"]
        counts["objectives"] += 1
    existing = {p.code: p for p in db.session.scalars(select(Partner))}
    for position, item in enumerate(data.get("partners", [])):
        partner = existing.get(item["code"]) or Partner(code=item["code"])
        partner.name = item["name"]
        partner.url = item.get("url", "")
        partner.position = position
        db.session.add(partner)
        counts["partners"] += 1
    db.session.flush()
    return counts


def session_dirs(root: Path) -> list[Path]:
    return sorted(p for p in (root / "sessions").iterdir() if (p / "session.yaml").exists())


def import_session_meta(folder: Path) -> CurriculumSession:
    """Create or update one session's own fields and objective map from session.yaml."""
    data = read_yaml(folder / "session.yaml")
    number = int(data["number"])
    session = db.session.scalar(select(CurriculumSession).where(CurriculumSession.number == number))
    if session is None:
        session = CurriculumSession(number=number)
        db.session.add(session)
    session.slug = folder.name.split("-", 1)[1] if "-" in folder.name else folder.name
    session.title = data["title"]
    session.summary = (data.get("summary") or "").strip()
    session.discussion_prompt = (data.get("discussion_prompt") or "").strip()
    exercise = data.get("exercise")
    session.exercise_intro = (exercise or {}).get("intro", "").strip() if exercise else ""
    session.exercise_template = (exercise or {}).get("sections") if exercise else None
    session.resources = data.get("resources")
    wanted = [int(n) for n in data.get("objectives", [])]
    objectives = db.session.scalars(select(Objective).where(Objective.number.in_(wanted))).all()
    missing = set(wanted) - {o.number for o in objectives}
    if missing:
        raise ContentError(f"{folder}/session.yaml: unknown objectives {sorted(missing)}")
    session.objectives = sorted(objectives, key=lambda o: o.number)
    db.session.flush()
    return session


def parse_reading(path: Path) -> tuple[dict, str]:
    """The front matter and the Markdown body of a reading file."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        raise ContentError(f"{path}: a reading starts with YAML front matter between --- lines")
    try:
        meta = yaml.load(match.group(1), Loader=_Loader) or {}  # noqa: S506
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: the front matter is not valid YAML ({exc})") from exc
    if not isinstance(meta, dict) or not meta.get("title"):
        raise ContentError(f"{path}: the front matter needs a title")
    return meta, text[match.end() :]


def import_readings(folder: Path, session: CurriculumSession) -> int:
    """Create or update the session's readings by slug; retire those no longer in files."""
    existing = {
        r.slug: r
        for r in db.session.scalars(select(Reading).where(Reading.session_id == session.id))
    }
    seen = set()
    directory = folder / "readings"
    paths = sorted(directory.glob("*.md")) if directory.is_dir() else []
    for path in paths:
        match = _READING_RE.match(path.name)
        if not match:
            raise ContentError(f"{path}: reading files are named NN-slug.md")
        position, slug = int(match.group(1)), match.group(2)
        if slug in seen:
            raise ContentError(f"{path}: the slug {slug!r} is used twice in this session")
        seen.add(slug)
        meta, body = parse_reading(path)
        reading = existing.get(slug) or Reading(session_id=session.id, slug=slug)
        reading.position = position
        reading.title = str(meta["title"]).strip()
        reading.summary = str(meta.get("summary") or "").strip()
        reading.body = body
        reading.words = len(render_plain(body).split())
        reading.minutes = reading_minutes(body)
        reading.is_retired = False
        db.session.add(reading)
    for slug, reading in existing.items():
        if slug not in seen:
            reading.is_retired = True
    db.session.flush()
    return len(seen)


def import_quiz(path: Path, key: str, kind: str, session_id: int | None = None) -> Quiz:
    """Create or update a quiz and its questions (by key) from a quiz or assessment file."""
    data = read_yaml(path)
    quiz = db.session.scalar(select(Quiz).where(Quiz.key == key))
    if quiz is None:
        quiz = Quiz(key=key, kind=kind, session_id=session_id)
        db.session.add(quiz)
    quiz.title = str(data.get("title") or "").strip() or key
    quiz.pass_mark = data.get("pass_mark", 60)
    quiz.max_attempts = int(data.get("max_attempts", 0))
    quiz.shuffle = bool(data.get("shuffle", True))
    reveal = data.get("reveal", "last_or_pass")
    if reveal not in REVEAL_POLICIES:
        raise ContentError(f"{path}: reveal must be one of {', '.join(REVEAL_POLICIES)}")
    quiz.reveal = reveal
    quiz.feedback_pass = str(data.get("feedback_pass") or "").strip()
    quiz.feedback_fail = str(data.get("feedback_fail") or "").strip()
    quiz.is_retired = bool(data.get("retired", False))
    db.session.flush()
    questions = data.get("questions") or []
    if not isinstance(questions, list):
        raise ContentError(f"{path}: questions must be a list")
    keys = [q.get("key") for q in questions if isinstance(q, dict)]
    by_key = {
        q.key: q
        for q in db.session.scalars(
            select(Question).where((Question.quiz_id == quiz.id) | Question.key.in_(keys))
        )
    }
    seen = set()
    for position, spec in enumerate(questions, start=1):
        label = f"{path}: question {position}"
        if not isinstance(spec, dict) or not spec.get("key"):
            raise ContentError(f"{label} needs a key")
        problems = validate_question(spec)
        if problems:
            raise ContentError(f"{label} ({spec['key']}): " + " ".join(problems))
        if spec["key"] in seen:
            raise ContentError(f"{label}: the key {spec['key']!r} is used twice")
        seen.add(spec["key"])
        question = by_key.get(spec["key"]) or Question(key=spec["key"])
        set_question_spec(question, spec)
        question.quiz_id = quiz.id
        question.position = position
        question.is_retired = False
        db.session.add(question)
    for question in by_key.values():
        if question.quiz_id == quiz.id and question.key not in seen:
            question.is_retired = True
    db.session.flush()
    quiz.question_count = len(seen)  # for the import's report
    return quiz


def set_question_spec(question: Question, spec: dict) -> None:
    """Store the canonical dict and the columns derived from it (type, objectives, points)."""
    question.spec = spec
    question.type = spec["type"]
    question.objectives = [int(o) for o in spec.get("objectives") or []]
    question.points = float(spec.get("points", 1))


def import_curriculum(root: Path) -> dict[str, int]:
    """Create or update everything in the content folder; the caller commits."""
    root = Path(root)
    if not (root / "programme.yaml").exists():
        raise ContentError(f"{root}: programme.yaml is missing")
    counts = import_programme(root)
    counts.update(sessions=0, readings=0, quizzes=0, questions=0)
    if (root / "sessions").is_dir():
        for folder in session_dirs(root):
            session = import_session_meta(folder)
            counts["sessions"] += 1
            counts["readings"] += import_readings(folder, session)
            stamp_session(session)
            try:
                added = import_translations(folder, session.number)
            except TranslationError as exc:
                raise ContentError(str(exc)) from exc
            counts["translations"] = counts.get("translations", 0) + added
            if (folder / "quiz.yaml").exists():
                quiz = import_quiz(
                    folder / "quiz.yaml", session_quiz_key(session.number), "session", session.id
                )
                stamp_quiz(quiz)
                counts["quizzes"] += 1
                counts["questions"] += quiz.question_count
    if (root / "assessment.yaml").exists():
        quiz = import_quiz(root / "assessment.yaml", ASSESSMENT_KEY, "assessment")
        stamp_quiz(quiz)
        counts["quizzes"] += 1
        counts["questions"] += quiz.question_count
    db.session.flush()
    return counts


# --------------------------------------------------------------------------- fingerprints
# An item's fingerprint covers what the files and the authoring screens can both change.
# The import stores it as `import_hash`; when the two differ later, someone changed the item
# in the browser since, and the next import must not overwrite it silently.


def _plain(value):
    """Whole floats as ints and tuples as lists, so database and file values compare equal."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def fingerprint(item: CurriculumSession | Reading | Quiz | Question) -> str:
    """A SHA-256 of the item's authorable fields."""
    if isinstance(item, CurriculumSession):
        fields = [
            item.number,
            item.slug,
            item.title,
            item.summary,
            item.discussion_prompt,
            item.exercise_intro,
            item.exercise_template,
            item.resources,
            [o.number for o in item.objectives],
            item.is_retired,
        ]
    elif isinstance(item, Reading):
        fields = [item.position, item.slug, item.title, item.summary, item.body, item.is_retired]
    elif isinstance(item, Quiz):
        fields = [item.key, *(getattr(item, name) for name in QUIZ_FIELDS), item.is_retired]
    else:
        fields = [item.key, item.position, item.spec, item.is_retired]
    text = json.dumps(_plain(fields), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stamp_session(session: CurriculumSession) -> None:
    """Remember the session and all its readings as the files left them."""
    db.session.flush()
    session.import_hash = fingerprint(session)
    for reading in db.session.scalars(select(Reading).where(Reading.session_id == session.id)):
        reading.import_hash = fingerprint(reading)


def stamp_quiz(quiz: Quiz) -> None:
    """Remember the quiz and all its questions as the files left them."""
    db.session.flush()
    quiz.import_hash = fingerprint(quiz)
    for question in db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)):
        question.import_hash = fingerprint(question)


# --------------------------------------------------------------------------- export


class _Dumper(yaml.SafeDumper):
    """Block style, indented lists, and `|` blocks for text with line breaks."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper: yaml.SafeDumper, value: list):
    flow = bool(value) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


def dump_yaml(data) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
        default_flow_style=False,
    )


def _number(value):
    """Whole floats (stored by the database) are written as ints."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def quiz_document(quiz: Quiz) -> dict:
    """A quiz and its current (not retired) questions, as written to quiz.yaml."""
    questions = db.session.scalars(
        select(Question)
        .where(Question.quiz_id == quiz.id, Question.is_retired.is_(False))
        .order_by(Question.position, Question.id)
    ).all()
    document = {"title": quiz.title}
    if quiz.is_retired:
        document["retired"] = True  # only when retired, so current quizzes' files are unchanged
    if quiz.reveal != "last_or_pass":
        document["reveal"] = quiz.reveal  # only when not the default, likewise
    return {
        **document,
        "pass_mark": _number(quiz.pass_mark),
        "max_attempts": quiz.max_attempts,
        "shuffle": quiz.shuffle,
        "feedback_pass": quiz.feedback_pass,
        "feedback_fail": quiz.feedback_fail,
        "questions": [q.spec for q in questions],
    }


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def export_curriculum(root: Path) -> dict[str, int]:
    """Write the programme, assessment, sessions, readings and quizzes as files."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    counts = {"sessions": 0, "readings": 0, "quizzes": 0}
    programme = db.session.get(Programme, 1)
    objectives = db.session.scalars(select(Objective).order_by(Objective.number)).all()
    partners = db.session.scalars(select(Partner).order_by(Partner.position, Partner.code)).all()
    document = {
        "title": programme.title if programme else "",
        "objectives": [
            {"number": o.number, "title": o.title, "description": o.description} for o in objectives
        ],
        "partners": [
            {"code": p.code, "name": p.name, **({"url": p.url} if p.url else {})} for p in partners
        ],
    }
    _write(root / "programme.yaml", dump_yaml(document))

    quizzes = {q.key: q for q in db.session.scalars(select(Quiz))}
    if ASSESSMENT_KEY in quizzes:
        _write(root / "assessment.yaml", dump_yaml(quiz_document(quizzes[ASSESSMENT_KEY])))
        counts["quizzes"] += 1

    sessions = db.session.scalars(
        select(CurriculumSession)
        .where(CurriculumSession.is_retired.is_(False))
        .order_by(CurriculumSession.number)
    ).all()
    for session in sessions:
        folder = root / "sessions" / f"{session.number:02d}-{session.slug}"
        data: dict = {
            "number": session.number,
            "title": session.title,
            "summary": session.summary,
            "objectives": [o.number for o in session.objectives],
            "discussion_prompt": session.discussion_prompt,
        }
        if session.resources is not None:
            data["resources"] = session.resources
        if session.exercise_template is not None:
            data["exercise"] = {
                "intro": session.exercise_intro,
                "sections": session.exercise_template,
            }
        _write(folder / "session.yaml", dump_yaml(data))
        counts["sessions"] += 1
        export_translations(folder, session.number)
        quiz = quizzes.get(session_quiz_key(session.number))
        if quiz is not None:
            _write(folder / "quiz.yaml", dump_yaml(quiz_document(quiz)))
            counts["quizzes"] += 1
        readings = db.session.scalars(
            select(Reading)
            .where(Reading.session_id == session.id, Reading.is_retired.is_(False))
            .order_by(Reading.position, Reading.id)
        ).all()
        for reading in readings:
            meta = dump_yaml({"title": reading.title, "summary": reading.summary})
            _write(
                folder / "readings" / f"{reading.position:02d}-{reading.slug}.md",
                f"---\n{meta}---\n{reading.body}",
            )
            counts["readings"] += 1
    return counts
