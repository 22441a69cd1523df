"""Discussion forms (Flask-WTF, so every POST carries a CSRF token)."""

from __future__ import annotations

import secrets
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from portal.discussion.services import MAX_BODY
from portal.forms import PortalForm

BODY_HINT = _l("You can use Markdown: **bold**, *italic*, > quote, - list, [link](https://…).")


class PostForm(PortalForm):
    body = TextAreaField(
        _l("Your reply"),
        validators=[
            DataRequired(message=_l("Write something first.")),
            Length(max=MAX_BODY, message=_l("A post can have at most 20,000 characters.")),
        ],
        description=BODY_HINT,
    )
    # One random token per rendered form: a double-clicked submit stores one post.
    # The hidden fields' labels (never shown) are given, because WTForms makes a missing
    # one by translating the field name, which loads its own catalogue on every request.
    token = HiddenField("Token")
    # Filled only by the "Post anyway" button, with a signature of the checked text.
    confirm = HiddenField("Confirm")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(self, "token", None) is not None and not self.token.data:
            self.token.data = secrets.token_urlsafe(18)


class BlankReply:
    """What the thread page reads of an empty PostForm: its fresh token. A GET (and the
    form after a reply) writes the empty reply box without building the WTForms form (its
    fields, meta and CSRF field, some 120 calls a request): the box is the same for
    everybody in a language (compose.compose_body keeps it), and a POST still checks a
    PostForm."""

    __slots__ = ("token",)

    def __init__(self):
        self.token = SimpleNamespace(data=secrets.token_urlsafe(18))


class EditForm(PostForm):
    token = None
    body = TextAreaField(
        _l("Your post"),
        validators=PostForm.body.kwargs["validators"],
        description=BODY_HINT,
    )


class ThreadForm(PostForm):
    body = EditForm.body
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Give the thread a title.")), Length(max=160)],
    )
    kind = RadioField(
        _l("Type"),
        choices=[
            SelectChoice("discussion", _l("Discussion")),
            SelectChoice("question", _l("Question (someone can give an accepted answer)")),
        ],
        default="discussion",
    )


class FlagForm(PortalForm):
    reason = TextAreaField(
        _l("What is wrong with this post?"),
        validators=[DataRequired(message=_l("Tell the moderators briefly.")), Length(max=500)],
        description=_l("Only moderators see your report."),
    )


class RedactForm(PortalForm):
    span = TextAreaField(
        _l("Words to remove"),
        validators=[DataRequired(message=_l("Copy the exact words to remove.")), Length(max=2000)],
        description=_l(
            "Copy the exact words from the post. Each place they appear becomes "
            "“[removed by a moderator]”, also in earlier versions."
        ),
    )


class MoveForm(PortalForm):
    board = SelectField(_l("Move to board"), coerce=int)


class BoardForm(PortalForm):
    title = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=1000)])


class CheckForm(PortalForm):
    body = TextAreaField(validators=[Length(max=MAX_BODY)])
