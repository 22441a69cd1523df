"""The compose box (notice, text field, identifier findings) written in Python.

The thread page, the new-thread page and the post editor each show it. WTForms writes the
label and the text area through Markup.format, one attribute at a time, which cost about
a tenth of the thread page's work; here they are written with plain string formatting,
byte for byte as WTForms writes them (tests/discussion/test_compose.py holds the markup to
the macro and the WTForms calls it replaces), the labels looked up once a call.
"""

from __future__ import annotations

from flask import request
from markupsafe import Markup, escape

from portal.discussion.forms import BlankReply, PostForm
from portal.memo import FragmentMemo
from portal.navigation import fixed_url
from portal.translations import current_translations

# The empty reply box, per language (its catalogue) and script root: a few kilobytes each.
_BLANK = FragmentMemo(max_entries=64, max_chars=8000)


def compose_body(form, findings, confirm, error, prefix) -> Markup:
    """The compose box of `form` (its `body` field), its ids starting with `prefix`;
    `findings` (with the signed `confirm`) when the text may identify a person, `error`
    when the post was refused. A BlankReply's box is kept: it holds no one's text."""
    if type(form) is BlankReply and not (findings or error):
        translations = current_translations()
        key = (translations, request.script_root, prefix)
        return _BLANK.get(key, _blank_box, prefix)
    _ = current_translations().ugettext
    field = form.body
    prefix = escape(prefix)
    errors = field.errors
    described = f"{prefix}-notice {prefix}-hint" + (f" {prefix}-error" if errors else "")
    out = [
        f'<p class="notice" id="{prefix}-notice">',
        _(
            "Do not post names, photos or details that could identify a person – a victim, "
            "a witness, a colleague. Describe cases in general terms."
        ),
        "</p>\n",
    ]
    if error:
        out.append(f'<p class="alert" role="alert">{escape(error)}</p>')
    # As field.label(for=...) and field(id=..., rows=8, ...) write them: the attributes in
    # the order of their names, the text after a line break.
    out.append(
        f'<div class="field{" has-error" if errors else ""}">\n'
        f'  <label for="{prefix}-body">{escape(field.label.text)}</label>\n'
        f'  <textarea aria-describedby="{described}"'
        f' hx-post="{escape(fixed_url("discussion.identifier_check"))}" hx-swap="innerHTML"'
        f' hx-target="#{prefix}-live" hx-trigger="input changed delay:1s" id="{prefix}-body"'
        f' maxlength="20000" name="{escape(field.name)}" required rows="8">\r\n'
        f"{escape(field._value())}</textarea>\n"
        f'  <p class="hint" id="{prefix}-hint">{escape(field.description)}</p>\n'
    )
    if errors:
        out.append(f'<p class="error" id="{prefix}-error">{Markup(" ").join(errors)}</p>')
    out.append(f'</div>\n<div id="{prefix}-live" class="pii-live" aria-live="polite"></div>\n')
    if findings:
        labels = {
            "phone": _("Phone number"),
            "email": _("E-mail address"),
            "id_number": _("Passport or ID number"),
            "address": _("Street address"),
            "date_of_birth": _("Date of birth"),
        }
        found = "".join(
            f"<li>{labels[f.kind]}: <mark>{escape(f.text)}</mark></li>" for f in findings
        )
        out.append(
            '<div class="pii-found" role="alert">\n'
            f"  <p><strong>{_('Your text may identify a person.')}</strong> {_('We found:')}</p>\n"
            f"  <ul>{found}</ul>\n"
            "  <p>"
            + _(
                "Remove or change these details, or post anyway if they are safe to share "
                "(for example the public number of an office)."
            )
            + "</p>\n"
            f'  <input type="hidden" name="confirm" value="{escape(confirm)}">\n'
            f'  <a class="button" href="#{prefix}-body">{_("Edit my post")}</a>\n'
            '  <button type="submit" name="anyway" value="1">'
            f"{_('Post anyway')}</button>\n"
            "</div>\n"
        )
    return Markup("".join(out))


def _blank_box(prefix) -> Markup:
    """The box of an empty reply form, as compose_body writes it for a PostForm."""
    return compose_body(PostForm(formdata=None), None, None, None, prefix)
