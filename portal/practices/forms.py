"""Practice forms (Flask-WTF, so every POST carries a CSRF token)."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

from portal.countries import countries
from portal.discussion.services import MAX_BODY
from portal.forms import PortalForm, select_choices
from portal.practices import services
from portal.practices.vocab import CONTACT, ORGANISATION_TYPES, PILLARS, TARGET_GROUPS

MARKDOWN_HINT = _l("You can use Markdown: **bold**, *italic*, - list, [link](https://…).")


class CheckboxesField(SelectMultipleField):
    """A list of checkboxes that may all stay empty."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class Token:
    """A random token per rendered form: a double-clicked submit stores once."""

    def fill_token(self):
        if not self.token.data:
            self.token.data = secrets.token_urlsafe(18)


def _limit(name: str, message) -> Length:
    return Length(max=services.LIMITS[name], message=message)


class PracticeForm(Token, PortalForm):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Give the practice a title.")),
            _limit("title", _l("A title can have at most 160 characters.")),
        ],
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[_limit("summary", _l("A summary can have at most 600 characters."))],
        description=_l("Two or three sentences: what was done, by whom, for whom."),
    )
    description = TextAreaField(
        _l("Description"),
        validators=[_limit("description", _l("The description is too long."))],
        description=MARKDOWN_HINT,
    )
    countries = SelectMultipleField(
        _l("Countries"),
        choices=lambda: select_choices(countries()),
        validators=[Optional()],
        description=_l("Where the practice runs. Hold Ctrl (or ⌘) to choose more than one."),
    )
    organisation_type = SelectField(
        _l("Your organisation type"),
        choices=lambda: select_choices([("", _l("Choose a type")), *ORGANISATION_TYPES.items()]),
        validators=[Optional()],
    )
    pillars = CheckboxesField(_l("Pillars"), choices=lambda: select_choices(PILLARS.items()))
    objectives = CheckboxesField(_l("Training objectives"), choices=[])
    sessions = CheckboxesField(_l("Related sessions"), choices=[])
    targets = CheckboxesField(
        _l("Target groups"), choices=lambda: select_choices(TARGET_GROUPS.items())
    )
    results = TextAreaField(
        _l("Results and evidence"),
        validators=[_limit("results", _l("This field can have at most 5,000 characters."))],
        description=_l("What changed, and how you know (figures, evaluations, feedback)."),
    )
    lessons = TextAreaField(
        _l("Lessons learned"),
        validators=[_limit("lessons", _l("This field can have at most 5,000 characters."))],
        description=_l("What you would do differently, and what others should know."),
    )
    contact = RadioField(
        _l("Getting in touch"),
        choices=lambda: select_choices(CONTACT.items()),
        default="portal",
    )
    adapts = HiddenField()
    token = HiddenField()
    confirm = HiddenField()

    FIELD_FOR = {
        "country": "countries",
        "pillar": "pillars",
        "org": "organisation_type",
        "objective": "objectives",
        "session": "sessions",
        "target": "targets",
    }

    def set_curriculum(self, names: dict[tuple[str, str], str]) -> None:
        """Objective and session choices from the curriculum (facet labels)."""
        for facet, field_name in (("objective", "objectives"), ("session", "sessions")):
            pairs = sorted(
                ((value, label) for (kind, value), label in names.items() if kind == facet),
                key=lambda pair: int(pair[0]),
            )
            getattr(self, field_name).choices = select_choices(pairs)

    def fill_from(self, practice) -> None:
        """Show a stored practice in the form (GET)."""
        for name in services.TEXT_FIELDS:
            getattr(self, name).data = getattr(practice, name)
        self.contact.data = practice.contact
        for facet, field_name in self.FIELD_FOR.items():
            values = practice.values(facet)
            getattr(self, field_name).data = (
                values[0] if facet == "org" and values else (values if facet != "org" else "")
            )

    def to_data(self) -> services.PracticeData:
        org = self.organisation_type.data
        return services.PracticeData(
            title=self.title.data or "",
            summary=self.summary.data or "",
            description=self.description.data or "",
            results=self.results.data or "",
            lessons=self.lessons.data or "",
            contact=self.contact.data or "none",
            facets={
                "country": self.countries.data or [],
                "pillar": self.pillars.data or [],
                "org": [org] if org else [],
                "objective": self.objectives.data or [],
                "session": self.sessions.data or [],
                "target": self.targets.data or [],
            },
            adapts_id=int(self.adapts.data) if (self.adapts.data or "").isdigit() else None,
        )

    def mark_missing(self, missing: list[str]) -> None:
        """Put a message on each field the practice needs before review."""
        messages = {
            "title": _l("Give the practice a title."),
            "summary": _l("Write a short summary."),
            "description": _l("Describe the practice."),
            "country": _l("Choose at least one country."),
            "pillar": _l("Choose at least one pillar."),
            "org": _l("Choose your organisation type."),
        }
        for name in missing:
            field = getattr(self, self.FIELD_FOR.get(name, name))
            field.errors = [*list(field.errors or []), messages[name]]


class ReviewForm(PortalForm):
    comment = TextAreaField(
        _l("Comment for the author"),
        validators=[Length(max=MAX_BODY)],
        description=_l("Required when you ask for changes; the author receives it."),
    )


class CommentForm(Token, PortalForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[
            DataRequired(message=_l("Write something first.")),
            Length(max=MAX_BODY, message=_l("A comment can have at most 20,000 characters.")),
        ],
        description=MARKDOWN_HINT,
    )
    token = HiddenField()
    confirm = HiddenField()
