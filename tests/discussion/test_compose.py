"""The compose box, written in Python, against the macro and WTForms calls it replaced."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from discussion.conftest import make_thread, post_form, sign_in
from portal.discussion.compose import compose_body
from portal.discussion.forms import BlankReply, EditForm, PostForm, ThreadForm
from portal.pii import Finding

# The compose_body macro as it was (templates/discussion/_macros.html), WTForms writing the
# label and the text area.
MACRO = """{% macro compose_body(form, findings, confirm, error, prefix) %}
<p class="notice" id="{{ prefix }}-notice">{{ _("Do not post names, photos or details that \
could identify a person – a victim, a witness, a colleague. Describe cases in general \
terms.") }}</p>
{% if error %}<p class="alert" role="alert">{{ error }}</p>{% endif %}
<div class="field{% if form.body.errors %} has-error{% endif %}">
  {{ form.body.label(for=prefix ~ "-body") }}
  {% set described = prefix ~ "-notice " ~ prefix ~ "-hint" ~ (" " ~ prefix ~ "-error" if \
form.body.errors else "") %}
  {{ form.body(id=prefix ~ "-body", rows=8, maxlength=20000, required=True, \
**{"aria-describedby": described, "hx-post": item_url("discussion.identifier_check"), \
"hx-trigger": "input changed delay:1s", "hx-target": "#" ~ prefix ~ "-live", "hx-swap": \
"innerHTML"}) }}
  <p class="hint" id="{{ prefix }}-hint">{{ form.body.description }}</p>
  {% if form.body.errors %}<p class="error" id="{{ prefix }}-error">{{ \
form.body.errors|join(" ") }}</p>{% endif %}
</div>
<div id="{{ prefix }}-live" class="pii-live" aria-live="polite"></div>
{% if findings %}
{% set labels = {"phone": _("Phone number"), "email": _("E-mail address"), "id_number": \
_("Passport or ID number"), "address": _("Street address"), "date_of_birth": _("Date of \
birth")} %}
<div class="pii-found" role="alert">
  <p><strong>{{ _("Your text may identify a person.") }}</strong> {{ _("We found:") }}</p>
  <ul>{% for f in findings %}<li>{{ labels[f.kind] }}: <mark>{{ f.text }}</mark></li>{% \
endfor %}</ul>
  <p>{{ _("Remove or change these details, or post anyway if they are safe to share (for \
example the public number of an office).") }}</p>
  <input type="hidden" name="confirm" value="{{ confirm }}">
  <a class="button" href="#{{ prefix }}-body">{{ _("Edit my post") }}</a>
  <button type="submit" name="anyway" value="1">{{ _("Post anyway") }}</button>
</div>
{% endif %}
{% endmacro %}{{ compose_body(form, findings, confirm, error, prefix) }}"""

ODD = "A <b>text</b> & \"quotes\" 'single'\r\n\r\nand a line\r\n"
QUOTE = "Ann <b> wrote (post #2):\n> first & <i>\n>\n> second\n\n"
FINDINGS = [Finding("email", "a@b.example", 0, 11), Finding("phone", "+66 <81>", 12, 20)]


def forms():
    """Each form that shows the box, in each state: empty, filled, refused, with a quote."""
    yield "reply", PostForm(formdata=None)
    quoted = PostForm(formdata=None)
    quoted.body.data = QUOTE
    yield "reply", quoted
    for form_class, prefix in ((PostForm, "reply"), (ThreadForm, "thread"), (EditForm, "edit-7")):
        for body in ("", "   \n ", ODD, "x" * 20_001):
            form = form_class(formdata=MultiDict({"body": body, "title": "", "kind": "x"}))
            form.validate()
            yield prefix, form
    edit = EditForm(formdata=None)
    edit.body.data = None
    yield "edit-<7>", edit


@pytest.mark.parametrize("language", ["en", "ur", "th", "id"])
def test_the_compose_box_is_the_markup_of_the_macro_it_replaced(app, language):
    seen = []
    with app.test_request_context(), force_locale(language):
        for prefix, form in forms():
            for findings, confirm, error in (
                (None, None, None),
                (FINDINGS, 'sig<"&>', None),
                (None, None, 'Please wait <half> a minute & "more".'),
            ):
                context = {"findings": findings, "confirm": confirm, "error": error}
                expected = render_template_string(MACRO, form=form, prefix=prefix, **context)
                assert compose_body(form, prefix=prefix, **context) == expected
                seen.append(expected)
    assert len(seen) == 45
    if language == "en":
        seen = "".join(seen)
        assert '<p class="error" id="reply-error">Write something first.</p>' in seen
        assert "&lt;half&gt; a minute &amp; &#34;more&#34;" in seen
        assert "<li>Phone number: <mark>+66 &lt;81&gt;</mark></li>" in seen


def test_the_blank_reply_box_is_the_empty_forms_in_each_language(app):
    """A GET writes a BlankReply's box, kept per language: the same markup as an empty
    PostForm's, in the language of each request (never the one kept first)."""
    with app.test_request_context():
        for language in ["en", "ur", "th", "id", "en", "th"]:
            with force_locale(language):
                expected = render_template_string(
                    MACRO,
                    form=PostForm(formdata=None),
                    prefix="reply",
                    findings=None,
                    confirm=None,
                    error=None,
                )
                for _ in range(2):
                    assert compose_body(BlankReply(), None, None, None, "reply") == expected
        assert BlankReply().token.data != BlankReply().token.data


def test_the_box_keeps_what_was_written_and_says_what_was_found(app, web, world):
    thread, _posts = make_thread(world.board_a, world.trainer)
    sign_in(web, world.trainer)
    page = post_form(
        web, f"/discussion/threads/{thread.id}/reply", {"body": "Mail me: a@b.example & <b>"}
    ).get_data(as_text=True)
    assert (
        'name="body" required rows="8">\r\nMail me: a@b.example &amp; &lt;b&gt;</textarea>' in page
    )
    assert "<li>E-mail address: <mark>a@b.example</mark></li>" in page


def test_the_forms_token_is_written_as_wtforms_writes_it(app, web, world):
    """The reply and new-thread forms write their token input by hand (WTForms' writing
    cost as much as the rest of the form)."""
    token = "tok<&>\"'x"
    with app.test_request_context():
        expected = str(PostForm(formdata=MultiDict({"token": token})).token())
    assert expected == (
        '<input id="token" name="token" type="hidden" value="tok&lt;&amp;&gt;&#34;&#39;x">'
    )
    sign_in(web, world.participant)
    for path in (
        f"/discussion/threads/{world.thread_a.id}/reply",
        f"/discussion/boards/{world.board_a.id}/new",
    ):
        page = post_form(web, path, {"body": "", "token": token}).get_data(as_text=True)
        assert f"  {expected}\n" in page
        page = web.client.get(path.replace("/reply", "")).get_data(as_text=True)
        assert re.search(r'<input id="token" name="token" type="hidden" value="[\w-]{24}">', page)
