"""Practice reads: the library with its facet counts, one practice and its neighbours.

Every page needs a fixed number of statements whatever the size of the library."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from operator import itemgetter

from flask import abort
from sqlalchemy import (
    String,
    and_,
    bindparam,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased, joinedload, lazyload, selectinload
from sqlalchemy.sql.functions import FunctionElement

from portal.database import read_rows
from portal.discussion.permissions import Viewer
from portal.extensions import db
from portal.learning.models import CurriculumSession, Objective
from portal.memo import Memo
from portal.practices import permissions
from portal.practices.models import (
    FACETS,
    IN_REVIEW,
    Endorsement,
    LibraryVersion,
    Practice,
    PracticeComment,
    PracticeReview,
    PracticeTag,
)
from portal.practices.vocab import clean_values

_WORD = re.compile(r"\w+", re.UNICODE)
PER_PAGE = 10
MAX_TERMS = 8
MAX_QUERY = 200
MAX_COMMENTS = 200


@dataclass
class LibraryQuery:
    """What the reader asked the library for (all of it lives in the URL)."""

    filters: dict[str, list[str]] = field(default_factory=dict)
    text: str = ""
    sort: str = "newest"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> LibraryQuery:
        if not args:  # the bare library, the page most asked for
            return cls()
        filters = {}
        for facet in FACETS:
            if facet not in args:  # most requests choose no value of most facets
                continue
            values = clean_values(facet, args.getlist(facet))
            if values:
                filters[facet] = values
        sort = args.get("sort", "newest")
        page = args.get("page", 1, type=int) or 1
        return cls(
            filters=filters,
            text=(args.get("q", "") or "")[:MAX_QUERY].strip(),
            sort=sort if sort in ("newest", "useful") else "newest",
            page=min(max(page, 1), 1000),
        )

    @property
    def words(self) -> list[str]:
        return _WORD.findall(self.text.lower())[:MAX_TERMS]

    def is_selected(self, facet: str, value: str) -> bool:
        return value in self.filters.get(facet, ())

    def args(self, **changes) -> dict:
        """The query as URL arguments, with changes (for pager and sort links)."""
        out: dict = {facet: list(values) for facet, values in self.filters.items()}
        if self.text:
            out["q"] = self.text
        if self.sort != "newest":
            out["sort"] = self.sort
        if self.page > 1:
            out["page"] = self.page
        out.update(changes)
        return {k: v for k, v in out.items() if v not in (None, "", [])}

    @property
    def is_filtered(self) -> bool:
        return bool(self.filters or self.text)


@dataclass(slots=True)
class LibraryItem:
    """A practice as a library card shows it (read from columns, not loaded as an entity):
    its countries and pillars in value order, as the practice's `values()` gives them."""

    id: int
    title: str
    summary: str
    useful_count: int
    countries: list[str] = field(default_factory=list)
    pillars: list[str] = field(default_factory=list)


@dataclass
class LibraryPage:
    practices: list[LibraryItem]
    total: int
    facets: dict[str, list[tuple[str, int]]]  # facet -> [(value, count)], most first
    adaptations: dict[int, list[str]]  # practice id -> countries it was adapted in
    names: dict[tuple[str, str], str]  # ("session", "3") -> "3. Exercise: …"
    # A number given to each page a worker keeps (`_PAGES`), never to another: it stands
    # for the page's query without free text (filters, sort, number), its reader's
    # visibility condition, its database and its library version, for HTML kept with it.
    # None for a page not kept.
    serial: int | None = field(default=None, compare=False)

    def has_next(self, page: int) -> bool:
        return page * PER_PAGE < self.total


def _has_value(facet: str, values):
    """SQL: the practice carries one of these values of the facet (OR within a facet);
    `values` is a list or an expanding bound parameter."""
    tag = aliased(PracticeTag)
    return (
        exists()
        .where(tag.practice_id == Practice.id, tag.facet == facet, tag.value.in_(values))
        .correlate(Practice)
    )


def _text_match():
    """SQL: the practice matches every word, through the site search's full-text mechanism
    (so "campaigns" finds "campaign", on SQLite and PostgreSQL alike); the words are bound
    at execution (`_text_params`)."""
    from portal.search.queries import practice_match

    return practice_match(Practice)


def _text_params(words: list[str]) -> dict:
    from portal.search.queries import practice_words

    return {"practice_words": practice_words(words)} if words else {}


# The sort orders, by column name: the page's statement sorts by them twice (the
# practices, then the page of them it reads the cards' values for).
_ORDER = {
    "useful": ("useful_count", "published_at", "id"),
    "newest": ("published_at", "id"),
}
_FILTER_VALUES = {facet: bindparam(f"facet_{facet}", expanding=True) for facet in FACETS}


class _joined_values(FunctionElement):
    """SQL aggregate: a column's values joined by spaces, in no order (group_concat on
    SQLite, string_agg on PostgreSQL); the separator is written in the SQL, so no
    parameter is added at each execution as with func.aggregate_strings."""

    type = String()
    name = "joined_values"
    inherit_cache = True


@compiles(_joined_values)
def _group_concat(element, compiler, **kw):
    return f"group_concat({compiler.process(element.clauses, **kw)}, ' ')"


@compiles(_joined_values, "postgresql")
def _string_agg(element, compiler, **kw):
    return f"string_agg({compiler.process(element.clauses, **kw)}, ' ')"


def _card_values(page):
    """The page's cards' values, one column each, correlated with the page's rows: the
    practice's countries, its pillars, and the countries its published adaptations are in
    (values joined by spaces, in no order)."""
    adaptation = aliased(Practice)
    return [
        select(_joined_values(PracticeTag.value))
        .where(PracticeTag.practice_id == page.c.id, PracticeTag.facet == facet)
        .scalar_subquery()
        .label(facet)
        for facet in ("country", "pillar")
    ] + [
        # Through the adaptations' ids (index on adapts_id), not the tags of a country.
        select(_joined_values(PracticeTag.value))
        .where(
            PracticeTag.facet == "country",
            PracticeTag.practice_id.in_(
                select(adaptation.id)
                .where(adaptation.adapts_id == page.c.id, adaptation.status == "published")
                .correlate_except(adaptation)
            ),
        )
        .scalar_subquery()
        .label("adapted")
    ]


def _conditions(visible, has_text: bool, filtered: tuple[str, ...]):
    """The conditions of the practices the reader finds: `base` (which they may see, from
    permissions, and the free text) and `has`, facet -> the condition of its filter."""
    base = [visible, _text_match()] if has_text else [visible]
    return base, {facet: _has_value(facet, _FILTER_VALUES[facet]) for facet in filtered}


_VERSION = select(LibraryVersion.version).where(LibraryVersion.id == 1)


def _version_row():
    """The row giving the library's version (LibraryVersion; None while its row is
    missing), in the rows' layout of `_library_statement`."""
    return select(null(), null(), null(), _VERSION.scalar_subquery(), *(null() for _ in range(5)))


def _library_statement(visible, has_text: bool, sort: str, filtered: tuple[str, ...]):
    """The library's page statement for this shape of query: which practices the reader may
    see (`visible`, from permissions), whether there is free text, the sort and the
    filtered facets; the words, the facets' values, the limit and the offset are bound at
    execution. Its rows, in no order, are the page's practices (an id, and their place on
    the page) with their cards' values, the facet counts and the curriculum's labels
    (`_counts_parts`), and without free text the library's version, under which a worker
    keeps the page (`library`):

        id, title, summary, useful_count, position, total, country, pillar, adapted
        None, facet, value, count, None, None, None, None, None       (a facet count)
        None, facet, value, None, None, None, title, None, None       (a curriculum label)
        None, None, None, version, None, None, None, None, None       (the version)

    One statement for the page, its counts and its version (each costs the request a round
    through the engine)."""
    base, has = _conditions(visible, has_text, filtered)
    practices = (
        select(
            Practice.id,
            Practice.title,
            Practice.summary,
            Practice.useful_count,
            Practice.published_at,
            # How many match, counted once apart (not count() OVER (), which reads every
            # match before the limit, where the sort's index could stop at the page).
            select(func.count())
            .select_from(Practice)
            .where(*base, *has.values())
            .correlate(None)
            .scalar_subquery()
            .label("total"),
        )
        .where(*base, *has.values())
        .order_by(*(getattr(Practice, name).desc() for name in _ORDER[sort]))
        .limit(PER_PAGE)
        .offset(bindparam("offset"))
        .subquery("page")
    )
    # The values are read for the page's practices only, after the limit. Each card's place
    # is numbered over the page's rows alone: sorting the union would sort every count.
    page = select(
        practices.c.id,
        practices.c.title,
        practices.c.summary,
        practices.c.useful_count,
        func.row_number()
        .over(order_by=[practices.c[name].desc() for name in _ORDER[sort]])
        .label("position"),
        practices.c.total,
        *_card_values(practices),
    )
    if has_text:
        return union_all(page, *_counts_parts(base, has))
    return union_all(page, *_counts_parts(base, has), _version_row())


def _counts_parts(base, has):
    """The facet counts and the curriculum labels, in the rows' layout of
    `_library_statement`. A filtered facet's values are counted under the other filters;
    the other facets' values all under every filter, in one branch (each filter written
    once for them). The unfiltered facets are named by bound values, not an expanding
    list, which would be written into the SQL again at each execution."""
    per_facet = [
        and_(PracticeTag.facet == facet, *(cond for other, cond in has.items() if other != facet))
        for facet in has
    ]
    unfiltered = [literal(facet) for facet in FACETS if facet not in has]
    if unfiltered:
        per_facet.append(and_(PracticeTag.facet.in_(unfiltered), *has.values()))
    counts = (
        select(
            null(),
            PracticeTag.facet,
            PracticeTag.value,
            func.count(),
            *(null() for _ in range(5)),
        )
        .join(Practice, Practice.id == PracticeTag.practice_id)
        .where(*base, or_(*per_facet))
        .group_by(PracticeTag.facet, PracticeTag.value)
    )
    labels = _curriculum(before=(null(),), between=(null(), null(), null()), after=(null(), null()))
    return (counts, *labels)


# The statements built once per shape (free text or not, sort, filtered facets, and which of
# the permission module's visibility conditions applies: the condition is still asked
# for on every request, a statement is reused only for the very same condition object).
_SHAPES: dict[tuple, tuple] = {}
_MAX_SHAPES = 512


def _built(visible, key: tuple, build):
    found = _SHAPES.get(key)
    if found is None or found[0] is not visible:
        if len(_SHAPES) >= _MAX_SHAPES:
            _SHAPES.clear()
        found = _SHAPES[key] = (visible, build())
    return found[1]


def _statement_for(visible, query: LibraryQuery):
    has_text = bool(query.words)
    filtered = tuple(query.filters)  # in FACETS order (from_args)
    # The full-text condition differs between SQLite and PostgreSQL.
    dialect = db.session.get_bind().dialect.name if has_text else ""
    return _built(
        visible,
        ("page", id(visible), has_text, dialect, query.sort, filtered),
        lambda: _library_statement(visible, has_text, query.sort, filtered),
    )


# The library's pages a worker keeps, by database (engine), visibility condition, sort,
# page number and filters: (condition, version, page). Without free text a page depends on
# nothing else (the same for every reader given the condition), and every column its
# statement reads is WATCHED, so the library's version changes whenever the page could;
# with free text, which also reads the search index, pages are not kept. A kept page is
# never changed: the display only reads it.
_PAGES = Memo(max_entries=1_000)
_SERIALS = itertools.count(1)


def _curriculum(before=(), between=(), after=()):
    """The labels of the objective and session facet values: (facet, value, title) rows,
    with the columns `before`, `between` and `after` around them."""
    return (
        select(
            *before,
            literal("objective"),
            cast(Objective.number, String),
            *between,
            Objective.title,
            *after,
        ),
        select(
            *before,
            literal("session"),
            cast(CurriculumSession.number, String),
            *between,
            CurriculumSession.title,
            *after,
        ).where(CurriculumSession.is_retired.is_(False)),
    )


_CURRICULUM_NAMES = union_all(*_curriculum())


def library(viewer: Viewer, query: LibraryQuery) -> LibraryPage:
    """A page of published practices matching the query, with per-value facet counts.

    Facets combine with AND, values of one facet with OR; the count beside a value is how
    many practices the reader would find by adding it (the other facets' filters apply).
    One statement whatever the size of the library: the page's own, or, for a page the
    worker kept (no free text), the library's version it was kept under (`_PAGES`); two
    when the kept page is out of date."""
    visible = permissions.visible_in_library(viewer)
    if query.words:
        key = None
    else:
        key = (
            db.engine,
            id(visible),
            query.sort,
            query.page,
            *((facet, *values) for facet, values in query.filters.items()),
        )
        found = _PAGES.peek(key)
        if found is not None and found[0] is visible:
            version = read_rows(_VERSION).scalar()
            if version is not None and version == found[1]:
                return found[2]
    params = {f"facet_{facet}": values for facet, values in query.filters.items()}
    params.update(_text_params(query.words))
    params["offset"] = (query.page - 1) * PER_PAGE
    rows = read_rows(_statement_for(visible, query), params).all()
    page = _page_from(rows, query)
    if key is not None:
        # The version row: the version the page was read under (None while it is missing,
        # and then nothing is kept).
        version = next(row[3] for row in rows if row[0] is None and row[1] is None)
        if version is not None:
            page.serial = next(_SERIALS)
            _PAGES.keep(key, (visible, version, page))
    return page


def _page_from(rows, query: LibraryQuery) -> LibraryPage:
    """The library's page from the rows of `_library_statement`."""
    # The rows with an id are the page's cards, put in their places (`_library_statement`).
    cards = [row for row in rows if row[0] is not None]
    cards.sort(key=itemgetter(4))
    # The cards' values come joined by spaces (`_joined_values`): each once, in value order.
    # (Comprehensions, not a helper and appends: the library reads them on every request.)
    practices = [
        LibraryItem(
            pid,
            title,
            summary,
            useful_count,
            sorted(set(countries.split(" "))) if countries else [],
            sorted(set(pillars.split(" "))) if pillars else [],
        )
        for pid, title, summary, useful_count, _place, _total, countries, pillars, _adapted in cards
    ]
    adaptations = {row[0]: sorted(set(row[8].split(" "))) for row in cards if row[8]}
    # The others count a facet's value, or (no count) label a value of the curriculum.
    facets: dict[str, list[tuple[str, int]]] = {facet: [] for facet in FACETS}
    names = {}
    for pid, facet, value, count, _place, _total, title, _pillars, _adapted in rows:
        if pid is not None or facet is None:  # a card, or the version
            continue
        if count is None:
            names[facet, value] = f"{value}. {title}"
        else:
            facets[facet].append((value, count))
    for facet, chosen in query.filters.items():
        # A selected value that no longer matches anything stays visible, so it can be
        # unticked.
        values = facets[facet]
        seen = {value for value, _count in values}
        values.extend((value, 0) for value in chosen if value not in seen)
    for facet, values in facets.items():
        if facet in ("objective", "session"):
            values.sort(key=lambda item: int(item[0]))
        else:
            # Most practices first, then by value: a value appears once in a facet, so
            # sorting by value and then (stably) by count needs no key function per value.
            values.sort()
            values.sort(key=itemgetter(1), reverse=True)
    return LibraryPage(
        practices=practices,
        total=cards[0].total if cards else 0,
        facets=facets,
        adaptations=adaptations,
        names=names,
    )


def curriculum_names() -> dict[tuple[str, str], str]:
    """Labels of the objective and session facet values, ("session", "3") -> "3. Title"
    (one statement)."""
    return {
        (facet, value): f"{value}. {title}" for facet, value, title in read_rows(_CURRICULUM_NAMES)
    }


def load_practice_for(viewer: Viewer, practice_id: int, with_state: bool = False):
    """The practice (tags and author loaded) when the viewer may see it, else 404.

    With `with_state`, also whether the viewer marked it useful: (practice, endorsed)."""
    endorsed = (
        exists()
        .where(Endorsement.practice_id == Practice.id, Endorsement.user_id == viewer.user.id)
        .label("endorsed")
    )
    row = db.session.execute(
        select(Practice, endorsed)
        .where(Practice.id == practice_id)
        .options(joinedload(Practice.tags))
    ).first()
    if row is None or not permissions.can_see(viewer, row[0]):
        abort(404)
    return (row[0], bool(row[1])) if with_state else row[0]


@dataclass
class SourceExercise:
    """The exercise a practice was shared from (the caller checks who may see it)."""

    id: int
    title: str
    state: str
    author_id: int | None
    number: int  # its session's number


def load_practice_page(viewer: Viewer, practice_id: int):
    """For the practice page, in one statement: (practice, endorsed, source exercise or
    None) when the viewer may see the practice; 404 otherwise."""
    from portal.exercises.models import Exercise

    endorsed = (
        exists()
        .where(Endorsement.practice_id == Practice.id, Endorsement.user_id == viewer.user.id)
        .label("endorsed")
    )
    row = db.session.execute(
        select(
            Practice,
            endorsed,
            Exercise.id,
            Exercise.title,
            Exercise.state,
            Exercise.author_id,
            CurriculumSession.number,
        )
        .outerjoin(Exercise, Exercise.id == Practice.source_exercise_id)
        .outerjoin(CurriculumSession, CurriculumSession.id == Exercise.session_id)
        .where(Practice.id == practice_id)
        .options(joinedload(Practice.tags))
    ).first()
    if row is None or not permissions.can_see(viewer, row[0]):
        abort(404)
    source = SourceExercise(*row[2:]) if row[2] is not None and row[6] is not None else None
    return row[0], bool(row[1]), source


@dataclass
class Related:
    """Where a practice came from and where it travelled (visible practices only)."""

    source: dict | None
    adaptations: list[dict]


def related(viewer: Viewer, practice: Practice) -> Related:
    """The practice it adapts and the published adaptations of it, each with its countries
    (one statement). Unpublished neighbours appear only to those who may see them."""
    condition = Practice.adapts_id == practice.id
    if practice.adapts_id is not None:
        condition = or_(condition, Practice.id == practice.adapts_id)
    rows = db.session.execute(
        select(Practice.id, Practice.title, Practice.status, Practice.author_id, PracticeTag.value)
        .outerjoin(
            PracticeTag,
            and_(PracticeTag.practice_id == Practice.id, PracticeTag.facet == "country"),
        )
        .where(condition)
        .order_by(Practice.published_at, Practice.id, PracticeTag.value)
    ).all()
    found: dict[int, dict] = {}
    for pid, title, status, author_id, country in rows:
        visible = status == "published" or (author_id == viewer.user.id and status != "draft")
        if not visible:
            continue
        entry = found.setdefault(
            pid, {"id": pid, "title": title, "status": status, "countries": []}
        )
        if country:
            entry["countries"].append(country)
    source = found.pop(practice.adapts_id, None) if practice.adapts_id else None
    return Related(source=source, adaptations=list(found.values()))


def comments(viewer: Viewer, practice: Practice) -> list[PracticeComment]:
    """The practice's comments, oldest first; hidden ones only for moderators."""
    stmt = (
        select(PracticeComment)
        .where(PracticeComment.practice_id == practice.id)
        .order_by(PracticeComment.created_at, PracticeComment.id)
        .limit(MAX_COMMENTS)
    )
    if not permissions.can_moderate(viewer):
        stmt = stmt.where(PracticeComment.is_hidden.is_(False))
    return list(db.session.scalars(stmt))


def reviews(practice: Practice) -> list[PracticeReview]:
    """The review history of a practice, oldest first (for its author and staff)."""
    return list(
        db.session.scalars(
            select(PracticeReview)
            .where(PracticeReview.practice_id == practice.id)
            .order_by(PracticeReview.created_at, PracticeReview.id)
        )
    )


def load_comment_for_moderation(viewer: Viewer, comment_id: int) -> PracticeComment:
    """A comment, for a moderator who may see its practice; 404 otherwise."""
    comment = db.session.get(PracticeComment, comment_id)
    if comment is None or not permissions.can_moderate(viewer):
        abort(404)
    load_practice_for(viewer, comment.practice_id)
    return comment


def my_practices(user) -> list[Practice]:
    """The user's own practices in every state, latest change first."""
    return list(
        db.session.scalars(
            select(Practice)
            .where(Practice.author_id == user.id)
            .order_by(Practice.updated_at.desc(), Practice.id.desc())
            .options(selectinload(Practice.tags))
        )
    )


def review_queue() -> list[Practice]:
    """Practices waiting for a trainer, longest waiting first."""
    return list(
        db.session.scalars(
            select(Practice)
            .where(Practice.status.in_(IN_REVIEW))
            .order_by(Practice.submitted_at, Practice.id)
        )
    )


def latest_practices(viewer: Viewer, limit: int = 5) -> list[Practice]:
    """The latest published practices the viewer may read (for home pages), with their
    facet values; one statement, none when the viewer may not read the library."""
    if not permissions.reads_library(viewer):
        return []
    return latest_published(limit)


def latest_published(limit: int = 5) -> list[Practice]:
    """The latest published practices with their facet values (one statement), for a
    caller that knows the reader reads the library (see `latest_practices`)."""
    return list(
        db.session.scalars(
            select(Practice)
            .where(Practice.status == "published")
            .options(joinedload(Practice.tags), lazyload(Practice.author))
            .order_by(Practice.published_at.desc(), Practice.id.desc())
            .limit(limit)
        ).unique()
    )


def posted_with_token(model, author_id: int, token: str | None):
    """The practice or comment this author already stored from this form, if any."""
    if not token:
        return None
    return db.session.scalar(
        select(model).where(model.author_id == author_id, model.client_token == token)
    )


def recent_comments(user_id: int, since) -> int:
    """How many comments the user wrote since `since` (for the posting pace)."""
    return db.session.scalar(
        select(func.count())
        .select_from(PracticeComment)
        .where(PracticeComment.author_id == user_id, PracticeComment.created_at >= since)
    )


def adaptable(practice_id: int | None, viewer: Viewer) -> Practice | None:
    """A published practice a new one may declare it adapts (None if not readable)."""
    if not practice_id or not 0 < practice_id < 2**63:  # a forged id beyond 64 bits
        return None
    practice = db.session.get(Practice, practice_id)
    if (
        practice is None
        or practice.status != "published"
        or not permissions.can_see(viewer, practice)
    ):
        return None
    return practice


def user_practices_export(user_id: int) -> list[Practice]:
    """Every practice the user wrote (personal-data export)."""
    return list(db.session.scalars(select(Practice).where(Practice.author_id == user_id)))


def practice_from_exercise(user_id: int, exercise_id: int, reads_library: bool):
    """The practice shared from an exercise, as (id, title, status, author_id), when the
    user may see it: its author in every state, readers of the library once it is
    published; None otherwise. One statement. (Everyone who may use exercises reads the
    library, so the exercise page passes True without a cohort lookup.)"""
    row = db.session.execute(
        select(Practice.id, Practice.title, Practice.status, Practice.author_id)
        .where(Practice.source_exercise_id == exercise_id)
        .order_by(Practice.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    if row.author_id == user_id or (row.status == "published" and reads_library):
        return row
    return None
