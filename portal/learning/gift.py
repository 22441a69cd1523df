"""Import and export quiz questions in Moodle's GIFT format.

``parse_gift`` turns GIFT text into the canonical question dicts of
``content/README.md``; ``export_gift`` writes them back. The rules follow Moodle's own
importer (``question/format/gift/format.php``) and its documentation, the reference for
this module: Moodle Docs, "GIFT format" (https://docs.moodle.org/en/GIFT_format).

* Questions are separated by blank lines. Lines starting with ``//`` are comments;
  ``$CATEGORY:`` lines are ignored.
* ``{}`` is an essay (graded by a trainer; a rubric is not carried by GIFT) and text
  without an answer block is a description item (no points). Short answers keep Moodle's
  ``*`` wildcard (``\\*`` is a literal star). A numerical block's ``~`` part is "any other
  answer" (no credit, its feedback kept as ``other_feedback``); a matching pair with an
  empty left side is a distractor (kept in ``distractors``). Reported as unsupported,
  with its line: several answer blocks (embedded answers, a type the portal lacks) and
  anything malformed.
* Formats, as Moodle reads them: unmarked text is Moodle's auto-format (``moodle``: HTML
  allowed and sanitised, line breaks kept); ``[markdown]``, ``[html]``, ``[plain]`` and
  ``[moodle]`` set the format. An answer or feedback may carry its own marker; as the
  portal keeps one format per question, a question that mixes formats has every text
  turned into the HTML it is shown as and becomes ``html`` (same meaning on the page).
* Weights are ``%N%``, ``%-N%``, ``%N.N%`` or ``%N.%`` (Moodle's weight pattern).
* A line holding only white space, a no-break space included, is blank.
* Type, as Moodle decides it: a block starting with ``#`` is numerical; one containing
  ``~`` is multiple choice, ``single`` when it also contains ``=`` and ``multiple``
  otherwise; ``=`` together with ``->`` is matching; ``T``/``TRUE``/``F``/``FALSE`` is
  true/false; anything else is short answer. As in Moodle, ``=`` in a choice question
  means 100% and its text is taken as is (weights go after ``~``, e.g. ``~%50%``).
* When text follows the answer block ("The capital is {...} of France."), the block is
  replaced by ``_____``; otherwise it is removed.
* Escapes ``\\~ \\= \\# \\{ \\} \\: \\\\`` and ``\\n`` (a newline) work everywhere.
* Our metadata travels in comments before the question: ``// [id:s01-q01]`` sets
  ``key``, ``// [tag:objective-2]`` adds 2 to ``objectives`` (other tags are ignored),
  ``// [points:2]`` sets ``points``.

Canonical form of a parsed question (the exporter accepts looser dicts and the parser
always returns this form, so ``parse_gift(export_gift(qs)).questions == qs`` holds for
canonical ``qs``):

* every common key is present: ``key`` ("" without ``[id:]``), ``type``, ``name`` (""
  without ``::name::``), ``objectives`` (list of ints in tag order, [] when untagged),
  ``points`` (default 1), ``text``, ``format`` (``moodle`` when unmarked, ``markdown``,
  ``html`` or ``plain``), ``feedback`` (general feedback, "" when none);
* every feedback field is a string, "" when there is none; all texts are stripped of
  surrounding whitespace and use ``\\n`` line ends;
* numbers (fractions, points, numerical values) are ``int`` when whole, else ``float``;
* option ids are ``a``, ``b``, ``c``... in order (ids are not stored in GIFT);
* numerical answers are ``{value, tolerance, fraction, feedback}`` or
  ``{min, max, fraction, feedback}`` (a range stays a range).

A problem's line is the first non-comment line of the question it concerns.

``export_gift`` writes ``// [id:]``, one ``// [tag:objective-N]`` per objective and
``// [points:N]`` before each question, then ``::name::`` when there is a name, a format
marker unless the format is Moodle's auto-format, the text and the answer block. Newlines stay
literal unless they would start a blank or ``//`` line, where ``\\n`` is written. It
raises ``ValueError`` for what GIFT cannot hold: a single choice question without a 100%
option, ``->`` in the answers or feedback of a short answer question with more than one
answer or on the left of a matching pair, an
unknown type or format, fewer than 2 options or pairs, empty texts.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["GiftProblem", "GiftResult", "export_gift", "parse_gift"]


@dataclass
class GiftProblem:
    """Something in the GIFT text that was not imported, with the line where it starts."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class GiftResult:
    """The questions parsed from a GIFT text and the problems met on the way."""

    questions: list[dict] = field(default_factory=list)
    problems: list[GiftProblem] = field(default_factory=list)


class _GiftError(Exception):
    """Raised inside the parser for a question that cannot be imported."""


# Format markers and the canonical format they map to.
_FORMATS = {"markdown": "markdown", "html": "html", "plain": "plain", "moodle": "moodle"}
# Text without a marker is in Moodle's auto-format ("moodle"), as Moodle reads it.
_DEFAULT_FORMAT = "moodle"
_MARKER_RE = re.compile(r"\[(markdown|html|plain|moodle)\]")

# Escaped characters are swapped for private-use code points while the structure is
# parsed, so an escaped "~" can never be taken for an option marker.
_ESCAPED = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "n": "\n"}
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")
_PRIVATE = 0xF0000
_RESTORE = {_PRIVATE + ord(char): char for char in _ESCAPED.values()}

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# Moodle reads a weight as %N%, %-N%, %N.N% or %N.% (see its $giftanswerweightregex).
_WEIGHT_RE = re.compile(r"%(-?\d+\.?\d*)%", re.ASCII)
_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\n])+)\]")
_TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]\n])+)\]")
_POINTS_RE = re.compile(r"\[points:([^\]\n]*)\]")
_METADATA_RE = re.compile(r"\[(?:id|tag|points):")
_OBJECTIVE_RE = re.compile(r"objective-([1-9]\d*)", re.ASCII)
_TRUEFALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_BLANK = "_____"


# --------------------------------------------------------------------------- helpers


def _protect(text: str) -> str:
    def swap(match: re.Match[str]) -> str:
        char = match.group(1)
        return "\\" if char == "\\" else chr(_PRIVATE + ord(_ESCAPED[char]))

    return _ESCAPE_RE.sub(swap, text)


def _restore(text: str) -> str:
    return text.translate(_RESTORE)


def _number(text: str) -> int | float:
    """Read a number written in GIFT; int when whole, else float."""
    text = text.strip()
    if not _NUMBER_RE.fullmatch(text) or not math.isfinite(float(text)):
        raise _GiftError(f"numerical answer {text!r} is not a number")
    return _canonical_number(int(text) if text.lstrip("+-").isdigit() else float(text))


def _canonical_number(value: int | float) -> int | float:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _option_id(index: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    if index < len(letters):
        return letters[index]
    return letters[index // len(letters) - 1] + letters[index % len(letters)]


class _Parts:
    """The formatted texts of one question (answers, feedback, matching prompts), each
    with the format it was written in: a marker of its own, else the question's."""

    def __init__(self, text_format: str) -> None:
        self.text_format = text_format
        self.items: list[tuple[dict, str, str]] = []

    def text(self, raw: str) -> tuple[str, str]:
        raw = raw.strip()
        text_format = self.text_format
        if marker := _MARKER_RE.match(raw):
            text_format = _FORMATS[marker.group(1)]
            raw = raw[marker.end() :]
        return _restore(raw).strip(), text_format

    def put(self, target: dict, field_name: str, raw: str) -> str:
        """Set target[field_name] to the text of raw and remember its format."""
        value, text_format = self.text(raw)
        target[field_name] = value
        if value:
            self.items.append((target, field_name, text_format))
        return value


def _as_html(text: str, text_format: str) -> str:
    """A text in one of the GIFT formats as the HTML it is shown as."""
    from portal.learning.display import text_html

    if text_format == "plain":
        return html.escape(text, quote=False)
    return str(text_html(text, text_format)).strip()


def _unify(question: dict, parts: _Parts) -> None:
    """Answers or feedback in another format than the question: Moodle keeps a format per
    text; the portal keeps one per question, so every text becomes the HTML it is shown as
    (the same meaning on the page) and the question's format becomes html."""
    formats = {question["format"]} | {f for _, _, f in parts.items}
    if len(formats) == 1:
        return
    question["text"] = _as_html(question["text"], question["format"])
    for target, field_name, text_format in parts.items:
        target[field_name] = _as_html(target[field_name], text_format)
    question["format"] = "html"


def _subtext(raw: str, text_format: str) -> str:
    """A text whose format does not matter (a short-answer key, a matching answer): the
    format marker is dropped, as Moodle drops it."""
    return _Parts(text_format).text(raw)[0]


def _items(block: str, markers: str, default: str) -> list[tuple[str, str]]:
    """Split an answer block on its markers; text before the first marker counts too."""
    parts = re.split(f"([{markers}])", block)
    items = [(default, parts[0].strip())] if parts[0].strip() else []
    items += [
        (marker, content.strip()) for marker, content in zip(parts[1::2], parts[2::2], strict=True)
    ]
    return items


def _weight(content: str) -> tuple[int | float | None, str]:
    match = _WEIGHT_RE.match(content)
    if not match:
        return None, content
    value = _number(match.group(1))
    if not -100 <= value <= 100:
        raise _GiftError(f"weight %{match.group(1)}% is outside -100..100")
    return value, content[match.end() :].strip()


def _split_feedback(content: str) -> tuple[str, str]:
    answer, _, feedback = content.partition("#")
    return answer, feedback


# --------------------------------------------------------------------------- parsing


def parse_gift(text: str) -> GiftResult:
    """Parse GIFT text into canonical question dicts and a list of problems."""
    result = GiftResult()
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    block: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            block.append((number, line))
        elif block:
            _parse_block(block, result)
            block = []
    if block:
        _parse_block(block, result)
    return result


def _is_comment(line: str) -> bool:
    return line.strip().startswith("//")


def _parse_block(block: list[tuple[int, str]], result: GiftResult) -> None:
    comments = [line.strip() for _, line in block if _is_comment(line)]
    body = [(number, line) for number, line in block if not _is_comment(line)]
    if body and body[0][1].lstrip().startswith("$CATEGORY:"):
        body = body[1:]
    if not body:
        tagged = [n for n, line in block if _METADATA_RE.search(line)]
        if tagged:
            result.problems.append(
                GiftProblem(
                    tagged[0],
                    "metadata comment is separated from its question by a blank line; "
                    "it was ignored",
                )
            )
        return
    try:
        question = _parse_question("\n".join(line for _, line in body), comments)
    except _GiftError as error:
        result.problems.append(GiftProblem(body[0][0], str(error)))
    else:
        result.questions.append(question)


def _parse_metadata(comments: list[str]) -> tuple[str, list[int], int | float]:
    joined = "\n".join(comments)
    key = ""
    if match := _ID_RE.search(joined):
        key = match.group(1).replace("\\]", "]").strip()
    objectives: list[int] = []
    for tag in _TAG_RE.findall(joined):
        objective = _OBJECTIVE_RE.fullmatch(tag.replace("\\]", "]").strip())
        if objective and int(objective.group(1)) not in objectives:
            objectives.append(int(objective.group(1)))
    points: int | float = 1
    if match := _POINTS_RE.search(joined):
        raw = match.group(1).strip()
        if not _NUMBER_RE.fullmatch(raw) or not 0 < float(raw) < math.inf:
            raise _GiftError(f"[points:{raw}] is not a number greater than 0")
        points = _number(raw)
    return key, objectives, points


def _parse_question(raw: str, comments: list[str]) -> dict[str, Any]:
    key, objectives, points = _parse_metadata(comments)
    text = _protect(raw).strip()

    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise _GiftError("the question name is not closed with '::'")
        name = _restore(text[2:end]).strip()
        text = text[end + 2 :].strip()

    start, end = text.find("{"), text.find("}")
    if start < 0 and end < 0:
        return _description(key, name, objectives, text)
    if end < 0 or "{" in text[start + 1 : end]:
        raise _GiftError("unclosed '{': the answer block has no closing '}'")
    if start < 0 or end < start:
        raise _GiftError("'}' without an opening '{' (write \\} for a literal brace)")
    after = text[end + 1 :]
    if "{" in after or "}" in after:
        raise _GiftError("more than one answer block (embedded answers) is not supported")
    block = text[start + 1 : end].strip()
    # Moodle leaves a blank where the answers were only when text follows them.
    question_text = text[:start] + (_BLANK + after if after else "")

    general = ""
    cut = block.rfind("####")
    if cut >= 0:
        general = block[cut + 4 :]
        block = block[:cut].strip()

    question_text = question_text.strip()
    text_format = _DEFAULT_FORMAT
    if marker := _MARKER_RE.match(question_text):
        text_format = _FORMATS[marker.group(1)]
        question_text = question_text[marker.end() :]
    question_text = _restore(question_text).strip()
    if not question_text:
        raise _GiftError("the question has no text")

    parts = _Parts(text_format)
    kind, fields = _parse_answers(block, parts)
    question = {
        "key": key,
        "type": kind,
        "name": name,
        "objectives": objectives,
        "points": points,
        "text": question_text,
        "format": text_format,
        "feedback": "",
        **fields,
    }
    parts.put(question, "feedback", general)
    _unify(question, parts)
    return question


def _description(key: str, name: str, objectives: list[int], text: str) -> dict[str, Any]:
    """Text without an answer block: a description item shown between questions (as in
    Moodle, it has no points)."""
    text_format = _DEFAULT_FORMAT
    if marker := _MARKER_RE.match(text):
        text_format = _FORMATS[marker.group(1)]
        text = text[marker.end() :]
    text = _restore(text).strip()
    if not text:
        raise _GiftError("the question has no text")
    return {
        "key": key,
        "type": "description",
        "name": name,
        "objectives": objectives,
        "points": 0,
        "text": text,
        "format": text_format,
        "feedback": "",
    }


def _parse_answers(block: str, parts: _Parts) -> tuple[str, dict[str, Any]]:
    if not block:
        return "essay", {}  # "{}": an essay, graded by a trainer
    if block[0] == "#":
        return "numerical", _parse_numerical(block[1:], parts)
    if "~" in block:
        kind = "single" if "=" in block else "multiple"
        return kind, {"options": _parse_choice(block, parts)}
    if "=" in block and "->" in block:
        return "matching", _parse_matching(block, parts)
    head = block.partition("#")[0].strip()
    if head in _TRUEFALSE:
        return "truefalse", _parse_truefalse(block, parts)
    return "short", {"answers": _parse_short(block, parts)}


def _parse_choice(block: str, parts: _Parts) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = []
    for marker, content in _items(block, "~=", "~"):
        if marker == "=":
            fraction: int | float | None = 100
            rest = content
        else:
            fraction, rest = _weight(content)
        answer, feedback = _split_feedback(rest)
        option: dict[str, Any] = {"id": _option_id(len(options))}
        if not parts.put(option, "text", answer):
            raise _GiftError("a multiple choice option has no text")
        option["fraction"] = 0 if fraction is None else fraction
        parts.put(option, "feedback", feedback)
        options.append(option)
    if len(options) < 2:
        raise _GiftError("multiple choice questions need at least 2 options")
    return options


def _parse_short(block: str, parts: _Parts) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = []
    for _, content in _items(block, "=", "="):
        fraction, rest = _weight(content)
        answer, feedback = _split_feedback(rest)
        answer_text = _subtext(answer, parts.text_format)  # a key: its format is dropped
        if not answer_text:
            raise _GiftError("a short answer is empty")
        item = {"text": answer_text, "fraction": 100 if fraction is None else fraction}
        parts.put(item, "feedback", feedback)
        answers.append(item)
    return answers


def _parse_numerical(body: str, parts: _Parts) -> dict[str, Any]:
    # As in Moodle, everything from the first "~" is the "any other answer" part: it
    # scores 0 and only its feedback (after "#") counts.
    other = None
    if "~" in body:
        body, other = body[: body.index("~")], body[body.index("~") + 1 :]
    answers: list[dict[str, Any]] = []
    for _, content in _items(body, "=", "="):
        fraction, rest = _weight(content)
        spec_raw, feedback_raw = _split_feedback(rest)
        spec = _subtext(spec_raw, parts.text_format)
        fraction = 100 if fraction is None else fraction
        if spec.find("..") > 0:
            low, high = (_number(part) for part in spec.split("..", 1))
            if low > high:
                raise _GiftError(f"numerical range {spec!r} has its minimum above its maximum")
            answer: dict[str, Any] = {"min": low, "max": high, "fraction": fraction}
        else:
            if spec.find(":") > 0:
                value_text, tolerance_text = spec.split(":", 1)
                value, tolerance = _number(value_text), _number(tolerance_text)
            else:
                value, tolerance = _number(spec), 0
            if tolerance < 0:
                raise _GiftError(f"numerical tolerance in {spec!r} is negative")
            answer = {"value": value, "tolerance": tolerance, "fraction": fraction}
        parts.put(answer, "feedback", feedback_raw)
        answers.append(answer)
    if not answers:
        raise _GiftError("numerical question has no answer")
    fields: dict[str, Any] = {"answers": answers}
    if other is not None:
        _, _, other_feedback = other.partition("#")
        if parts.text(other_feedback)[0]:
            parts.put(fields, "other_feedback", other_feedback)
    return fields


def _parse_matching(block: str, parts: _Parts) -> dict[str, Any]:
    pairs: list[dict[str, str]] = []
    distractors: list[str] = []
    for _, content in _items(block, "=", "="):
        if "->" not in content:
            raise _GiftError(f"matching pair {_restore(content)!r} has no '->'")
        left_raw, right_raw = content.split("->", 1)
        right = _restore(right_raw).strip()
        if not right:
            raise _GiftError(f"matching pair {_restore(left_raw).strip()!r} has no right side")
        pair: dict[str, str] = {}
        if not parts.text(left_raw)[0]:
            # Moodle: a pair with an empty left side is a distractor, an extra wrong answer.
            if right not in distractors:
                distractors.append(right)
            continue
        parts.put(pair, "left", left_raw)
        pair["right"] = right
        pairs.append(pair)
    if len(pairs) < 2:
        raise _GiftError(f"matching questions need at least 2 pairs, found {len(pairs)}")
    fields: dict[str, Any] = {"pairs": pairs}
    if distractors:
        fields["distractors"] = distractors
    return fields


def _parse_truefalse(block: str, parts: _Parts) -> dict[str, Any]:
    bits = block.split("#", 2) + ["", ""]
    fields: dict[str, Any] = {"answer": _TRUEFALSE[bits[0].strip()]}
    parts.put(fields, "feedback_right", bits[2])
    parts.put(fields, "feedback_wrong", bits[1])
    return fields


# --------------------------------------------------------------------------- export


def export_gift(questions: list[dict]) -> str:
    """Write questions as GIFT text; raises ValueError for one GIFT cannot represent."""
    chunks = []
    for position, question in enumerate(questions, start=1):
        try:
            chunks.append(_export_question(question))
        except ValueError as error:
            label = question.get("key") or f"#{position}"
            raise ValueError(f"question {label}: {error}") from None
    return "\n\n".join(chunks) + "\n" if chunks else ""


def _format_number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    value = _canonical_number(value)
    return str(value) if isinstance(value, int) else repr(value)


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _escape(text: str) -> str:
    """Escape GIFT's special characters; keep newlines unless they would end the question."""
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    lines = text.split("\n")
    out = lines[0]
    for line in lines[1:]:
        # A blank line would end the question and a "//" line would become a comment.
        unsafe = not line.strip() or line.lstrip().startswith("//")
        out += ("\\n" if unsafe else "\n") + line
    return out


def _write_text(text: str, text_format: str) -> str:
    """Escape an answer or feedback text, guarding a leading "[html]"-like marker."""
    prefix = f"[{text_format}]" if _MARKER_RE.match(text) else ""
    return prefix + _escape(text)


def _export_question(question: dict) -> str:
    kind = question.get("type")
    text_format = question.get("format") or "markdown"
    if text_format not in ("markdown", "html", "plain", "moodle"):
        raise ValueError(f"unknown format {text_format!r}")
    lines = []

    key = _clean(question.get("key"))
    if "\n" in key:
        raise ValueError("the key contains a line break")
    if key:
        escaped_key = key.replace("]", "\\]")
        lines.append(f"// [id:{escaped_key}]")
    for objective in question.get("objectives") or []:
        if isinstance(objective, bool) or not isinstance(objective, int) or objective < 1:
            raise ValueError(f"objective {objective!r} is not a whole number from 1")
        lines.append(f"// [tag:objective-{objective}]")
    points = question.get("points", 1)
    if kind != "description":  # a description has no points
        points_text = _format_number(points)
        if points <= 0:
            raise ValueError("points must be greater than 0")
        lines.append(f"// [points:{points_text}]")

    name = _clean(question.get("name"))
    text = _clean(question.get("text"))
    if not text:
        raise ValueError("the question has no text")
    # Unmarked text is Moodle's auto-format, so every other format carries its marker.
    marker = "" if text_format == "moodle" else f"[{text_format}]"
    if not marker and (_MARKER_RE.match(text) or (not name and text.startswith("//"))):
        marker = "[moodle]"
    head = (f"::{_escape(name)}::" if name else "") + marker + _escape(text)

    if kind == "description":
        lines.append(head)
        return "\n".join(lines)
    writers = {
        "essay": _export_essay,
        "single": _export_choice,
        "multiple": _export_choice,
        "truefalse": _export_truefalse,
        "short": _export_short,
        "numerical": _export_numerical,
        "matching": _export_matching,
    }
    if kind not in writers:
        raise ValueError(f"unknown question type {kind!r}")
    general = _clean(question.get("feedback"))
    block = writers[kind](question, text_format, general)
    lines.append(f"{head} {block}")
    return "\n".join(lines)


def _block(items: list[str], general: str, text_format: str, opening: str = "{") -> str:
    if general:
        items = items + ["####" + _write_text(general, text_format)]
    return opening + "\n" + "".join(f"\t{item}\n" for item in items) + "}"


def _with_feedback(item: dict, text_format: str) -> str:
    feedback = _clean(item.get("feedback"))
    return "#" + _write_text(feedback, text_format) if feedback else ""


def _export_choice(question: dict, text_format: str, general: str) -> str:
    options = question.get("options") or []
    if len(options) < 2:
        raise ValueError("a choice question needs at least 2 options")
    single = question["type"] == "single"
    fractions = [option.get("fraction", 0) for option in options]
    for fraction in fractions:
        if not -100 <= float(_format_number(fraction)) <= 100:
            raise ValueError(f"fraction {fraction!r} is outside -100..100")
    if single and 100 not in fractions:
        # GIFT marks a single-answer question only by an "=" (a 100% option).
        raise ValueError("a single choice question needs an option with fraction 100")
    # A choice block must hold a "~"; keep one when every option is right.
    keep_tilde = len(options) - 1 if single and all(f == 100 for f in fractions) else -1
    items = []
    for index, option in enumerate(options):
        option_text = _clean(option.get("text"))
        if not option_text:
            raise ValueError("an option has no text")
        fraction = fractions[index]
        if single and fraction == 100 and index != keep_tilde:
            prefix = "="  # Moodle takes the text after "=" as is, even a leading "%".
        elif fraction == 0 and not option_text.startswith("%"):
            prefix = "~"
        else:
            prefix = f"~%{_format_number(fraction)}%"
        items.append(
            prefix + _write_text(option_text, text_format) + _with_feedback(option, text_format)
        )
    return _block(items, general, text_format)


def _export_essay(question: dict, text_format: str, general: str) -> str:
    # A rubric has no place in GIFT; it stays with the question in the portal.
    return "{####" + _write_text(general, text_format) + "}" if general else "{}"


def _export_truefalse(question: dict, text_format: str, general: str) -> str:
    if not isinstance(question.get("answer"), bool):
        raise ValueError("a true/false question needs answer: true or false")
    right = _clean(question.get("feedback_right"))
    wrong = _clean(question.get("feedback_wrong"))
    out = "{" + ("TRUE" if question["answer"] else "FALSE")
    if wrong or right:
        out += "#" + (_write_text(wrong, text_format) if wrong else "")
    if right:
        out += "#" + _write_text(right, text_format)
    if general:
        out += "####" + _write_text(general, text_format)
    return out + "}"


def _export_short(question: dict, text_format: str, general: str) -> str:
    answers = question.get("answers") or []
    if not answers:
        raise ValueError("a short answer question needs at least 1 answer")
    weights, bodies = [], []
    for answer in answers:
        answer_text = _clean(answer.get("text"))
        if not answer_text:
            raise ValueError("a short answer is empty")
        fraction = answer.get("fraction", 100)
        explicit = fraction != 100 or answer_text.startswith("%")
        weights.append(f"%{_format_number(fraction)}%" if explicit else "")
        # '*' is Moodle's wildcard and '\\*' a literal star, in GIFT and in our keys alike.
        text = _write_text(answer_text, text_format)
        bodies.append(text + _with_feedback(answer, text_format))
    if any("->" in body for body in bodies):
        # "=" with "->" makes Moodle read the block as a matching question. A lone
        # answer can do without its "="; its explicit weight keeps it from being read
        # as true/false or starting a "//" comment line.
        if len(bodies) > 1:
            raise ValueError("short answers or their feedback cannot contain '->' in GIFT")
        fraction = answers[0].get("fraction", 100)
        return _block([f"%{_format_number(fraction)}%{bodies[0]}"], general, text_format)
    items = [f"={weight}{body}" for weight, body in zip(weights, bodies, strict=True)]
    return _block(items, general, text_format)


def _export_numerical(question: dict, text_format: str, general: str) -> str:
    answers = question.get("answers") or []
    if not answers:
        raise ValueError("a numerical question needs at least 1 answer")
    items = []
    for answer in answers:
        fraction = answer.get("fraction", 100)
        prefix = "=" if fraction == 100 else f"=%{_format_number(fraction)}%"
        if "min" in answer or "max" in answer:
            if answer.get("min") is None or answer.get("max") is None:
                raise ValueError("a numerical range needs both min and max")
            if answer["min"] > answer["max"]:
                raise ValueError("a numerical range has its minimum above its maximum")
            spec = f"{_format_number(answer['min'])}..{_format_number(answer['max'])}"
        else:
            tolerance = answer.get("tolerance", 0)
            if tolerance < 0:
                raise ValueError("a numerical tolerance is negative")
            spec = f"{_format_number(answer.get('value'))}:{_format_number(tolerance)}"
        items.append(prefix + spec + _with_feedback(answer, text_format))
    other = _clean(question.get("other_feedback"))
    if other:
        items.append("~#" + _write_text(other, text_format))  # any other answer
    return _block(items, general, text_format, opening="{#")


def _export_matching(question: dict, text_format: str, general: str) -> str:
    pairs = question.get("pairs") or []
    if len(pairs) < 2:
        raise ValueError("a matching question needs at least 2 pairs")
    items = []
    for pair in pairs:
        left, right = _clean(pair.get("left")), _clean(pair.get("right"))
        if not left or not right:
            raise ValueError("a matching pair needs both a left and a right side")
        if "->" in left:
            raise ValueError("the left side of a matching pair cannot contain '->' in GIFT")
        items.append(f"={_write_text(left, text_format)} -> {_escape(right)}")
    for right in question.get("distractors") or []:
        right = _clean(right)
        if not right:
            raise ValueError("a matching distractor is empty")
        items.append(f"= -> {_escape(right)}")  # Moodle: an empty left side
    return _block(items, general, text_format)
