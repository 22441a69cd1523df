"""Authoring forms, and the rows of a question form turned into the canonical dict and back."""

from __future__ import annotations

import math
import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, AnyOf, DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import PortalForm, select_choices

KEY_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

TYPE_LABELS = {
    "single": _l("Single choice"),
    "multiple": _l("Multiple answers"),
    "truefalse": _l("True or false"),
    "short": _l("Short answer"),
    "matching": _l("Matching"),
    "numerical": _l("Numerical"),
    "essay": _l("Essay (graded by a trainer)"),
    "description": _l("Description (text between questions)"),
}

#: The fields of one row of a question form, per type (types without rows are absent).
ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "single": ("id", "text", "fraction", "feedback"),
    "multiple": ("id", "text", "fraction", "feedback"),
    "short": ("text", "fraction", "feedback"),
    "numerical": ("value", "tolerance", "min", "max", "fraction", "feedback"),
    "matching": ("left", "right"),
    "essay": ("criterion", "points"),  # the optional rubric
}
#: Rows shown for a new question, and blank rows offered below the filled ones.
NEW_ROWS = {"single": 4, "multiple": 4, "short": 2, "numerical": 2, "matching": 4, "essay": 2}
SPARE_ROWS = 2
_ROW_RE = re.compile(r"^row-(\d{1,3})-([a-z]+)$")


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def objective_choices(objectives) -> list:
    return select_choices((o.number, f"{o.number}. {o.title}") for o in objectives)


class SessionForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary (Markdown)"), validators=[Length(max=4000)])
    discussion_prompt = TextAreaField(
        _l("Discussion prompt (Markdown)"), validators=[Length(max=4000)]
    )
    objectives = MultiCheckboxField(_l("Objectives this session serves"), coerce=int)


class ReadingForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Address (optional)"),
        description=_l("Lower-case letters, digits and hyphens; made from the title when empty."),
        validators=[Optional(), Length(max=120), Regexp(SLUG_PATTERN)],
    )
    summary = StringField(_l("One-sentence summary"), validators=[Length(max=500)])
    body = TextAreaField(_l("Text (Markdown)"), validators=[Length(max=100_000)])


class ResourceForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    url = URLField(_l("Address (URL)"), validators=[DataRequired(), URL(), Length(max=500)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])


class QuizForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    pass_mark = FloatField(
        _l("Pass mark (percent of the points)"),
        default=60,
        validators=[DataRequired(), NumberRange(min=0, max=100)],
    )
    max_attempts = IntegerField(
        _l("Attempts allowed (0 for no limit)"),
        default=3,
        validators=[Optional(), NumberRange(min=0, max=100)],
    )
    shuffle = BooleanField(_l("Shuffle options and matching answers"), default=True)
    reveal = SelectField(
        _l("Show the correct answers and explanations"),
        choices=select_choices(
            [
                ("last_or_pass", _l("After the last attempt or a pass")),
                ("always", _l("After every attempt")),
                ("never", _l("Never (participants see their own answers and score)")),
            ]
        ),
        default="last_or_pass",
        validators=[AnyOf(["last_or_pass", "always", "never"])],
    )
    feedback_pass = TextAreaField(_l("Feedback when the attempt passes"))
    feedback_fail = TextAreaField(_l("Feedback otherwise"))


class GiftUploadForm(PortalForm):
    file = FileField(_l("GIFT file"), validators=[FileRequired()])


class QuestionForm(PortalForm):
    """The fields every question has; the rows (options, answers, pairs) are read apart."""

    key = StringField(
        _l("Key (optional)"),
        description=_l("A stable id such as s03-q07; made for you when empty."),
        validators=[Optional(), Length(max=60), Regexp(KEY_PATTERN)],
    )
    name = StringField(_l("Short title (optional)"), validators=[Length(max=200)])
    text = TextAreaField(_l("Question text (Markdown)"))
    format = SelectField(
        _l("Text format"),
        choices=select_choices(
            [
                ("markdown", _l("Markdown")),
                ("plain", _l("Plain text")),
                ("html", _l("HTML")),
                ("moodle", _l("Moodle auto-format (HTML allowed, line breaks kept)")),
            ]
        ),
        default="markdown",
    )
    points = StringField(_l("Points"), default="1")
    objectives = MultiCheckboxField(_l("Objectives"), coerce=int)
    feedback = TextAreaField(_l("General feedback (shown after submitting)"))
    answer = RadioField(
        _l("The statement is"),
        choices=select_choices([("true", _l("True")), ("false", _l("False"))]),
        validate_choice=False,
    )
    feedback_right = StringField(_l("Feedback for a right answer"))
    feedback_wrong = StringField(_l("Feedback for a wrong answer"))


# --------------------------------------------------------------------------- rows


def number_or_text(raw: str, default=None):
    """A typed number as int (when whole) or float; the text itself when it is not one."""
    raw = (raw or "").strip().replace("\u2212", "-")
    if not raw:
        return default
    try:
        value = float(raw.replace(",", ".")) if "," in raw and "." not in raw else float(raw)
    except ValueError:
        return raw
    if not math.isfinite(value):
        return raw
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def number_text(value) -> str:
    """A stored number as the form shows it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(kind: str, formdata) -> list[dict[str, str]]:
    """The rows posted for a question type, as typed, in index order (blank rows dropped)."""
    fields = ROW_FIELDS.get(kind)
    if not fields:
        return []
    indexes = sorted(
        {
            int(m.group(1))
            for k in formdata.keys()
            if (m := _ROW_RE.match(k)) and m.group(2) in fields
        }
    )
    rows = []
    for index in indexes:
        row = {name: (formdata.get(f"row-{index}-{name}") or "").strip() for name in fields}
        if any(value for name, value in row.items() if name != "id"):
            rows.append(row)
    return rows


def _next_id(used: set[str]) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    candidates = list(letters) + [a + b for a in letters for b in letters]
    for candidate in candidates:
        if candidate not in used:
            used.add(candidate)
            return candidate
    raise ValueError("too many options")


def rows_to_fields(kind: str, rows: list[dict[str, str]]) -> dict:
    """The type-specific part of the canonical dict from the typed rows."""
    if kind in ("single", "multiple"):
        used = {r["id"] for r in rows if r.get("id")}
        seen: set[str] = set()
        options = []
        for row in rows:
            option_id = row.get("id") or ""
            if not option_id or option_id in seen:
                option_id = _next_id(used)
            seen.add(option_id)
            options.append(
                {
                    "id": option_id,
                    "text": row["text"],
                    "fraction": number_or_text(row["fraction"], 0),
                    "feedback": row["feedback"],
                }
            )
        return {"options": options}
    if kind == "short":
        return {
            "answers": [
                {
                    "text": r["text"],
                    "fraction": number_or_text(r["fraction"], 100),
                    "feedback": r["feedback"],
                }
                for r in rows
            ]
        }
    if kind == "numerical":
        answers = []
        for row in rows:
            answer: dict = {}
            if row["value"]:
                answer["value"] = number_or_text(row["value"])
                answer["tolerance"] = number_or_text(row["tolerance"], 0)
            elif row["min"] or row["max"]:
                answer["min"] = number_or_text(row["min"])
                answer["max"] = number_or_text(row["max"])
            answer["fraction"] = number_or_text(row["fraction"], 100)
            answer["feedback"] = row["feedback"]
            answers.append(answer)
        return {"answers": answers}
    if kind == "matching":
        return {"pairs": [{"left": r["left"], "right": r["right"]} for r in rows]}
    if kind == "essay" and rows:
        return {
            "rubric": [
                {"criterion": r["criterion"], "points": number_or_text(r["points"])} for r in rows
            ]
        }
    return {}


def spec_to_rows(spec: dict) -> list[dict[str, str]]:
    """The rows a stored question shows in its form."""
    kind = spec.get("type")
    if kind in ("single", "multiple"):
        return [
            {
                "id": str(o.get("id", "")),
                "text": o.get("text", ""),
                "fraction": number_text(o.get("fraction", 0)),
                "feedback": o.get("feedback", ""),
            }
            for o in spec.get("options") or []
        ]
    if kind == "short":
        return [
            {
                "text": a.get("text", ""),
                "fraction": number_text(a.get("fraction", 100)),
                "feedback": a.get("feedback", ""),
            }
            for a in spec.get("answers") or []
        ]
    if kind == "numerical":
        return [
            {
                "value": number_text(a.get("value")),
                "tolerance": number_text(a.get("tolerance")) if "value" in a else "",
                "min": number_text(a.get("min")),
                "max": number_text(a.get("max")),
                "fraction": number_text(a.get("fraction", 100)),
                "feedback": a.get("feedback", ""),
            }
            for a in spec.get("answers") or []
        ]
    if kind == "matching":
        return [
            {"left": p.get("left", ""), "right": p.get("right", "")}
            for p in spec.get("pairs") or []
        ]
    if kind == "essay":
        return [
            {"criterion": c.get("criterion", ""), "points": number_text(c.get("points"))}
            for c in spec.get("rubric") or []
        ]
    return []


def padded_rows(kind: str, rows: list[dict[str, str]], is_new: bool) -> list[dict[str, str]]:
    """The rows to show: the filled ones and some blank ones to add more without JS."""
    fields = ROW_FIELDS.get(kind)
    if not fields:
        return []
    blank = NEW_ROWS[kind] - len(rows) if is_new and not rows else SPARE_ROWS
    return list(rows) + [dict.fromkeys(fields, "") for _ in range(max(blank, SPARE_ROWS))]


def form_to_spec(kind: str, form: QuestionForm, rows: list[dict[str, str]]) -> dict:
    """The canonical question dict from the form and its rows (unvalidated)."""
    spec: dict = {"key": (form.key.data or "").strip(), "type": kind}
    name = (form.name.data or "").strip()
    if name:
        spec["name"] = name
    spec["objectives"] = sorted(set(form.objectives.data or []))
    spec["points"] = number_or_text(form.points.data, 1)
    if kind == "description":
        spec["objectives"], spec["points"] = [], 0  # text only: nothing to answer
    spec["text"] = (form.text.data or "").strip().replace("\r\n", "\n")
    if form.format.data and form.format.data != "markdown":
        spec["format"] = form.format.data
    feedback = (form.feedback.data or "").strip().replace("\r\n", "\n")
    if feedback:
        spec["feedback"] = feedback
    if kind == "truefalse":
        spec["answer"] = {"true": True, "false": False}.get(form.answer.data or "")
        spec["feedback_right"] = (form.feedback_right.data or "").strip()
        spec["feedback_wrong"] = (form.feedback_wrong.data or "").strip()
    spec.update(rows_to_fields(kind, rows))
    return spec


def fill_form(form: QuestionForm, spec: dict) -> None:
    """Put a stored question into the form for editing."""
    form.key.data = spec.get("key", "")
    form.name.data = spec.get("name", "")
    form.text.data = spec.get("text", "")
    form.format.data = spec.get("format") or "markdown"
    form.points.data = number_text(spec.get("points", 1))
    form.objectives.data = list(spec.get("objectives") or [])
    form.feedback.data = spec.get("feedback", "")
    if spec.get("type") == "truefalse":
        form.answer.data = {True: "true", False: "false"}.get(spec.get("answer"))
        form.feedback_right.data = spec.get("feedback_right", "")
        form.feedback_wrong.data = spec.get("feedback_wrong", "")
