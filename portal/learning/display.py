"""What an attempt page shows: questions as public views, option tokens, typed responses.

Option ids never reach the page: each option is sent as a token derived from the
attempt's seed, so "a is usually right" cannot leak through the form's values.
"""

from __future__ import annotations

import hashlib
import re
from types import SimpleNamespace
from typing import NamedTuple

from flask import current_app, request
from flask_babel import gettext
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from portal.learning.grading import key_display, parse_response, public_view
from portal.markdown import render_html, render_markdown
from portal.memo import FragmentMemo, Memo
from portal.translations import locale_code

_SINGLE_PARAGRAPH = re.compile(r"\A<p>(.*)</p>\s*\Z", re.S)


def option_token(seed: int, question_id: int, option_id: str) -> str:
    return hashlib.sha256(f"{seed}:{question_id}:{option_id}".encode()).hexdigest()[:12]


def field_name(question_id: int) -> str:
    return f"q{question_id}"


def text_html(text: str, text_format: str = "markdown") -> Markup:
    """A question or feedback text as safe HTML, in its declared format."""
    if text_format == "plain":
        return Markup("<p>") + escape(text) + Markup("</p>")
    if text_format == "html":
        return render_html(text)
    if text_format == "moodle":
        # Moodle's auto-format: HTML allowed (and sanitised), line breaks kept.
        return Markup(str(render_html(text)).replace("\n", "<br>\n"))
    return render_markdown(text)


def inline_html(text: str, text_format: str = "markdown") -> Markup:
    """Like text_html, without the paragraph around a one-paragraph text (for labels)."""
    html = str(text_html(text, text_format))
    match = _SINGLE_PARAGRAPH.match(html)
    if match and "<p>" not in match.group(1):
        html = match.group(1)
    return Markup(html)


def _translate_view(view: dict, texts: dict[str, str]) -> None:
    """Show a question's texts translated; values that are submitted stay as they are."""

    def tr(value):
        return texts.get(value, value) if isinstance(value, str) else value

    view["text"] = tr(view.get("text"))
    for option in view.get("options") or []:
        option["text"] = tr(option.get("text"))
    for left in view.get("lefts") or []:
        left["text"] = tr(left.get("text"))
    view["right_labels"] = {right: tr(right) for right in view.get("rights") or []}


def _macro(template: str, name: str):
    return getattr(current_app.jinja_env.get_template(template).module, name)


# Each question of an attempt form as HTML, kept per worker: a page is opened again and
# again (autosave, coming back later) and each of its questions only changes when the
# question, its translation or its saved answer does. The key holds every input of the
# fragment, each read on the request: the question's id and version, the attempt's seed
# and the quiz's shuffle (option order and tokens), the page's language and the
# translation's version, the question's number and the saved answer. The attempt itself
# is only found for its owner, on every request, before any of this runs. An answer a
# person typed (short, numerical, essay) is never part of a key nor of kept HTML: such a
# question is kept only while its answer is empty and is otherwise rendered each time, so
# that a worker's memory holds no text a person wrote (it would outlive an erased account).
# Answers chosen from the question itself (an option, true or false, a matching's right
# side) are checked against it when saved and may be kept.
_QUESTIONS = FragmentMemo(max_entries=2_000, max_chars=5_000)
_CHOSEN_ANSWERS = frozenset({"single", "multiple", "truefalse", "matching", "description"})


def question_fragments(questions, seed: int, shuffle: bool, draft: dict, texts=None) -> list:
    """Each question (rows of id, version, spec) as the attempt form shows it before
    submission, with the saved response, as HTML (Markup, templates/learning/_question.html).

    `texts` (a portal.i18n.content.SessionTexts) shows the question in the page's language
    where the session has a translation of it; others are marked English.
    """
    language = locale_code()
    version = None if texts is None else texts.version  # the translation's
    fragments = []
    number = 0
    for question in questions:
        if question.spec.get("type") != "description":
            number += 1
        saved = (draft or {}).get(str(question.id))
        view_args = (question, seed, shuffle, saved, number, texts)
        if saved not in (None, "") and question.spec.get("type") not in _CHOSEN_ANSWERS:
            fragments.append(_question_html(*view_args))
            continue
        key = (question.id, question.version, seed, shuffle)
        key += (language, texts is None, version, number, repr(saved))
        html = _QUESTIONS.get(key, _question_html, *view_args)
        fragments.append(html)
    return fragments


def _question_html(*view_args) -> Markup:
    return _macro("learning/_question.html", "question")(_question_view(*view_args))


def _question_view(question, seed: int, shuffle: bool, saved, number: int, texts):
    """One question as the page may show it before submission, with the saved response."""
    from portal.i18n.content import FALLBACK_ATTRS

    view = public_view(question.spec, seed=seed + question.id, shuffle=shuffle)
    translated = texts.question(question.spec) if texts is not None else {}
    _translate_view(view, translated)
    view["lang_attrs"] = (
        FALLBACK_ATTRS
        if texts is not None and not texts.is_english_page and not translated
        else Markup("")
    )
    # "Choose all that apply" is said once: by the page unless the text says it.
    view["says_choose_all"] = "all that apply" in str(view.get("text", "")).lower()
    if "options" in view:
        chosen = saved if isinstance(saved, list) else [saved]
        for option in view["options"]:
            option["checked"] = option["id"] in chosen
            option["id"] = option_token(seed, question.id, option["id"])
    # The texts as HTML in the question's format, made here once rather than by a
    # template filter per question and per option.
    text_format = view["format"]
    view["html"] = text_html(view.get("text") or "", text_format)
    for item in view.get("options") or ():
        item["html"] = inline_html(item.get("text") or "", text_format)
    for item in view.get("lefts") or ():
        item["html"] = inline_html(item.get("text") or "", text_format)
    view.update(number=number, field=field_name(question.id), saved=saved, id=question.id)
    # Objects rather than dicts: the template reads each field by attribute, which on a
    # dict costs Jinja a failed attribute look-up first.
    for part in ("options", "lefts", "rubric"):
        if part in view:
            view[part] = [SimpleNamespace(**item) for item in view[part]]
    return SimpleNamespace(**view)


# The attempt form around its questions as HTML, kept per worker: its top (crumbs, title,
# the attempt's hint, the form's opening tag) and its end (buttons, autosave). The key
# holds every input of them, each read on this request: the script root, the page's
# language, the attempt's id, number and phase, the session's number, whether the quiz is
# retired and its title in the page's language. The CSRF token is not in them.
_FORM_TOPS = FragmentMemo(max_entries=2_000, max_chars=5_000)
_FORM_ENDS = FragmentMemo(max_entries=2_000, max_chars=5_000)


def attempt_form(attempt, quiz, quiz_title: str, session_number) -> tuple[Markup, Markup]:
    """The top and the end of the attempt form (templates/learning/_attempt_form.html)."""
    key = (request.script_root, locale_code(), attempt.id, attempt.number, attempt.phase)
    key += (session_number, quiz.is_retired, quiz_title)
    top = _FORM_TOPS.get(key, _form_top_html, attempt, quiz, quiz_title, session_number)
    return top, _FORM_ENDS.get(key, _form_end_html, attempt)


def _form_top_html(*args) -> Markup:
    return _macro("learning/_attempt_form.html", "attempt_top")(*args)


def _form_end_html(*args) -> Markup:
    return _macro("learning/_attempt_form.html", "attempt_end")(*args)


# A session page's title, kept per worker: the page's language, the translation's version
# and the session's number and title are its inputs.
_TITLES = FragmentMemo(max_entries=2_000, max_chars=1_000)


def session_title(session, texts) -> Markup:
    """The title of a session page (templates/learning/_session_outline.html)."""
    key = (texts.language, texts.version, session.number, session.title)
    return _TITLES.get(key, _title_html, session, texts)


def _title_html(*args) -> Markup:
    return _macro("learning/_session_outline.html", "session_title")(*args)


# The top of a session page as HTML, kept per worker: its heading, objectives, reading
# list, offline links, the note for those not taking part and the exercise's introduction.
# The key holds every input of it, each read on this request: the session's number, title,
# summary, objectives and exercise introduction, the readings' rows (slug, title, summary,
# minutes and the reader's own done mark), the page's language, the translation's
# version, whether the reader takes part (links or not), the sign-in address shown to a
# visitor (None for people signed in) and the script root.
_OUTLINES = FragmentMemo(max_entries=2_000, max_chars=20_000)


def session_outline(session, texts, taking_part: bool, login_url: str | None) -> Markup:
    """The session page from its crumbs to the exercise's starter template
    (templates/learning/_session_outline.html); `login_url` is where a visitor signs in."""
    key = (request.script_root, texts.language, texts.version, taking_part, login_url)
    key += (session.number, session.title, session.summary, session.objectives)
    key += (session.exercise_template is not None and session.exercise_intro, session.readings)
    return _OUTLINES.get(key, _outline_html, session, texts, taking_part, login_url)


def _outline_html(*args) -> Markup:
    return _macro("learning/_session_outline.html", "session_outline")(*args)


# The rest of a session page as HTML, kept per worker: the exercise's starter template, the
# quiz section, the resources and the discussion question with the reader's board. The key
# holds every input of it, each read on this request: the reader's standing on the quiz (a
# queries.SessionQuiz: title, pass mark, question count, best score, attempts left, open
# attempt), the session's number, starter template and resources (as their JSON text, which
# says all their decoded values do) and discussion question, the board's address and thread
# count, the page's language, the translation's version and the script root (the quiz link).
_QUIZ_BLOCKS = FragmentMemo(max_entries=2_000, max_chars=20_000)


def session_end(session, texts) -> Markup:
    """The session page after the exercise slot (templates/learning/_session_quiz.html)."""
    board = session.parts.get("board")
    key = (request.script_root, texts.language, texts.version, session.number, session.quiz)
    key += session.json_texts
    key += (session.discussion_prompt, board)
    return _QUIZ_BLOCKS.get(key, _end_html, session, texts, board)


def _end_html(*args) -> Markup:
    return _macro("learning/_session_quiz.html", "session_end")(*args)


# A reading page's article as HTML, kept per worker. The key holds every input of it, each
# read on this request: the session's number and title, the reading's slug, title,
# minutes and body, its place in the session, the print view, the page's language, the
# translation's version and the script root (the links). The reader's own mark is not in it.
# 25 readings x 4 languages x 2 views fit (3 million characters at most, as many again in
# the keys, which hold the bodies); a body long enough to make an article of more
# than 30,000 characters is rendered each time, not kept (nor its key, which holds it).
_ARTICLES = FragmentMemo(max_entries=400, max_chars=30_000, max_total=3_000_000)


def reading_article(context: dict, texts) -> Markup:
    """The <article> of a reading page (templates/learning/_reading_article.html), from
    queries.reading_page's context."""
    reading = context["reading"]
    args = (context["session_number"], context["session_title"], reading)
    args += (context["position"], context["total"], context["print_view"])
    key = (request.script_root, locale_code(), texts.version, *args[:2])
    key += (reading.slug, reading.title, reading.minutes, reading.body, *args[3:])
    return _ARTICLES.get(key, _article_html, *args, texts)


def _article_html(*args) -> Markup:
    return _macro("learning/_reading_article.html", "reading_article")(*args)


class ReadingControls(NamedTuple):
    toggle_top: Markup
    toggle_end: Markup
    pager: Markup


# A reading page's done toggle (before and after its CSRF token) and pager as HTML, kept
# per worker. The key holds every input of them, each read on this request: the script
# root, the page's language, the session's number, the reading's slug, the reader's done
# mark and the slugs and titles of the previous and next readings.
_CONTROLS = Memo(max_entries=2_000)


def reading_controls(context: dict) -> ReadingControls:
    """The done toggle and pager of a reading page (templates/learning/_reading_controls.html),
    from queries.reading_page's context."""
    number, reading, done = context["session_number"], context["reading"], context["done"]
    previous, following = context["previous"], context["next"]
    key = (request.script_root, locale_code(), number, reading.slug, done)
    key += (
        previous and (previous.slug, previous.title),
        following and (following.slug, following.title),
    )
    return _CONTROLS.get(key, _controls, number, reading, done, previous, following)


def _controls(number, reading, done, previous, following) -> ReadingControls:
    template = "learning/_reading_controls.html"
    return ReadingControls(
        _macro(template, "toggle_top")(number, reading),
        _macro(template, "toggle_end")(done),
        _macro(template, "pager")(number, previous, following),
    )


def read_responses(questions, seed: int, form: MultiDict) -> dict[str, object]:
    """The typed responses by question id (as text), read with grading.parse_response."""
    responses = {}
    for question in questions:
        name = field_name(question.id)
        spec = question.spec
        source = form
        if spec.get("type") in ("single", "multiple"):
            tokens = {
                option_token(seed, question.id, str(option.get("id"))): str(option.get("id"))
                for option in spec.get("options") or []
            }
            source = MultiDict([(name, tokens.get(v, "")) for v in form.getlist(name)])
        responses[str(question.id)] = parse_response(spec, source, name)
    return responses


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _right_answers(spec: dict) -> list[str]:
    kind = spec.get("type")
    if kind == "single":
        best = max((o.get("fraction", 0) for o in spec.get("options") or []), default=0)
        return [o.get("text", "") for o in spec.get("options") or [] if o.get("fraction") == best]
    if kind == "multiple":
        return [o.get("text", "") for o in spec.get("options") or [] if o.get("fraction", 0) > 0]
    if kind == "truefalse":
        return [gettext("True") if spec.get("answer") else gettext("False")]
    if kind == "short":
        return [
            key_display(a.get("text", ""))
            for a in spec.get("answers") or []
            if a.get("fraction") == 100
        ]
    if kind == "numerical":
        out = []
        for answer in spec.get("answers") or []:
            if answer.get("fraction") != 100:
                continue
            if "min" in answer:
                out.append(f"{_number_text(answer['min'])} – {_number_text(answer['max'])}")
            elif answer.get("tolerance"):
                out.append(f"{_number_text(answer['value'])} ± {_number_text(answer['tolerance'])}")
            else:
                out.append(_number_text(answer.get("value")))
        return out
    if kind == "matching":
        return [f"{p.get('left', '')} → {p.get('right', '')}" for p in spec.get("pairs") or []]
    return []


def _given_answers(spec: dict, response) -> list[str]:
    kind = spec.get("type")
    options = {str(o.get("id")): o.get("text", "") for o in spec.get("options") or []}
    if kind == "single":
        return [options[response]] if response in options else []
    if kind == "multiple":
        return [options[r] for r in response or [] if r in options]
    if kind == "truefalse":
        return [] if response is None else [gettext("True") if response else gettext("False")]
    if kind in ("short", "numerical"):
        return [response] if isinstance(response, str) and response.strip() else []
    if kind == "matching":
        chosen = response if isinstance(response, dict) else {}
        return [
            f"{p.get('left', '')} → {chosen.get(str(i), '—')}"
            for i, p in enumerate(spec.get("pairs") or [])
        ]
    return []


def points_text(value) -> str:
    """A score as people write it: up to two decimals, no trailing zeros ("2.25", "9")."""
    if value is None:
        return "0"
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def review_rows(answers, reveal: bool = True, texts=None) -> list[dict]:
    """What the review shows per question: text, the answer given, and (when the quiz
    reveals them) the right answer and feedback. Essays show the participant's text, and
    once graded the trainer's points and comment. `texts` translates as in question_fragments."""
    from portal.i18n.content import FALLBACK_ATTRS, translate_spec

    rows = []
    number = 0
    for answer in answers:
        translated = texts.question(answer.question) if texts is not None else {}
        spec = translate_spec(answer.question, translated)
        response = answer.response
        if translated and spec.get("type") == "matching" and isinstance(response, dict):
            response = {k: translated.get(v, v) for k, v in response.items()}
        kind = spec.get("type")
        text_format = spec.get("format") or "markdown"
        if kind == "description":
            rows.append({"is_description": True, "text": text_html(spec.get("text", ""))})
            continue
        number += 1
        feedback = [translated.get(f, f) for f in answer.feedback or []]
        if spec.get("feedback"):
            feedback.append(spec["feedback"])
        row = {
            "number": number,
            "type": kind,
            "text": text_html(spec.get("text", ""), text_format),
            "given": [inline_html(t, text_format) for t in _given_answers(spec, response)],
            "right": [inline_html(t, text_format) for t in _right_answers(spec)] if reveal else [],
            "feedback": [text_html(f, text_format) for f in feedback] if reveal else [],
            "score": points_text(answer.score),
            "points": points_text(spec.get("points", 1)),
            "is_correct": answer.fraction >= 1,
            "is_partial": 0 < answer.fraction < 1,
            "is_awaiting": answer.grading_state == "awaiting",
            "is_essay": kind == "essay",
            "lang_attrs": (
                FALLBACK_ATTRS
                if texts is not None and not texts.is_english_page and not translated
                else Markup("")
            ),
            "comment": render_markdown(answer.grader_comment) if answer.grader_comment else "",
        }
        if kind == "essay":
            body = answer.response if isinstance(answer.response, str) else ""
            row["given"] = [render_markdown(body)] if body.strip() else []
        rows.append(row)
    return rows
