"""The curriculum as files: programme facts and sessions from content/ (Markdown + YAML)."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from portal.extensions import db
from portal.learning.models import CurriculumSession, Objective
from portal.public.models import Partner


class ContentError(Exception):
    """The content folder is not in the expected shape; the message says where."""


def read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping at the top level")
    return data


def import_programme(root: Path) -> dict[str, int]:
    """Create or update the objectives and partners from programme.yaml."""
    data = read_yaml(root / "programme.yaml")
    counts = {"objectives": 0, "partners": 0}
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
    wanted = [int(n) for n in data.get("objectives", [])]
    objectives = db.session.scalars(select(Objective).where(Objective.number.in_(wanted))).all()
    missing = set(wanted) - {o.number for o in objectives}
    if missing:
        raise ContentError(f"{folder}/session.yaml: unknown objectives {sorted(missing)}")
    session.objectives = sorted(objectives, key=lambda o: o.number)
    db.session.flush()
    return session


def import_curriculum(root: Path) -> dict[str, int]:
    """Create or update everything in the content folder; the caller commits."""
    root = Path(root)
    if not (root / "programme.yaml").exists():
        raise ContentError(f"{root}: programme.yaml is missing")
    counts = import_programme(root)
    counts["sessions"] = 0
    if (root / "sessions").is_dir():
        for folder in session_dirs(root):
            import_session_meta(folder)
            counts["sessions"] += 1
    return counts


def export_curriculum(root: Path) -> dict[str, int]:
    """Write the programme and sessions as files."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    raise ContentError("export is not available yet")
