"""Search reads: one statement per page of results, whatever the number of matches."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import (
    Integer,
    String,
    and_,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    union_all,
)

from portal.discussion.models import Board, Post, Thread
from portal.discussion.permissions import Viewer, boards_seen_by
from portal.extensions import db
from portal.markdown import render_plain
from portal.search.indexing import COMMENT, START, STOP, TABLE

PER_PAGE = 10
MAX_TERMS = 12
MAX_QUERY = 200
_WORD = re.compile(r"\w+", re.UNICODE)
_MARKED = re.compile(f"{START}(.*?){STOP}", re.S)

fts = table(TABLE, column("rowid", Integer), column("kind", String), column("ref_id", Integer))


def terms(query: str | None) -> list[str]:
    """The plain words of a query: quotes, operators, `*`, NEAR and brackets are dropped."""
    return _WORD.findall((query or "")[:MAX_QUERY].lower())[:MAX_TERMS]


def highlight(marked: str | None) -> Markup:
    """Escape everything, then wrap the terms the database marked in <mark>."""
    marked = marked or ""
    out, last = [], 0
    for match in _MARKED.finditer(marked):
        out.append(escape(_strip(marked[last : match.start()])))
        out.append(Markup("<mark>%s</mark>") % _strip(match.group(1)))
        last = match.end()
    out.append(escape(_strip(marked[last:])))
    return Markup("").join(out)


def _strip(value: str) -> str:
    return value.replace(START, "").replace(STOP, "")


@dataclass
class Result:
    kind: str  # "post", "thread", "reading", "practice" or "practice_comment"
    ref_id: int
    title: Markup
    snippet: Markup
    thread_id: int | None = None
    number: int | None = None  # the post's number, or the reading's session number
    place: str = ""  # board or session title
    slug: str | None = None  # a reading's address in its session
    practice_id: int | None = None  # the practice a comment is on


@dataclass
class ResultPage:
    results: list[Result]
    total: int
    page: int

    @property
    def has_next(self) -> bool:
        return self.page * PER_PAGE < self.total


@dataclass
class ReadingSource:
    """How to search readings: the models and who may see what (from the learning rules)."""

    model: type
    session_model: type
    may_read: bool  # False: titles only


@dataclass
class PracticeSource:
    """How to search practices and their comments: the models; given only to readers of
    the library."""

    model: type
    comment_model: type


def search(
    viewer: Viewer | None,
    words: list[str],
    page: int,
    readings: ReadingSource | None = None,
    practices: PracticeSource | None = None,
) -> ResultPage:
    """A page of what the viewer may find: visible posts (never hidden or deleted), thread
    titles, readings and (for readers of the library) published practices and the comments
    shown on them (never hidden ones, nor those of a practice taken out); visitors
    (viewer None) find reading titles only (one statement)."""
    if not words or (viewer is None and readings is None):
        return ResultPage([], 0, page)
    if viewer is None:
        practices = None
    if db.session.get_bind().dialect.name == "postgresql":
        rows = _postgres(viewer, words, page, readings, practices)
    else:
        rows = _sqlite(viewer, words, page, readings, practices)
    total = rows[0].total if rows else 0
    results = [
        Result(
            kind=row.kind,
            ref_id=row.ref_id,
            title=highlight(row.title),
            # Snippets are cut from Markdown: show its text, as the page would, not its syntax.
            snippet=highlight(render_plain(row.snippet or ""))
            if _shows_text(row.kind, readings)
            else Markup(""),
            thread_id=row.thread_id,
            number=row.number,
            place=row.place or "",
            slug=row.slug,
            practice_id=row.practice_id,
        )
        for row in rows
    ]
    return ResultPage(results, total, page)


def _shows_text(kind: str, readings: ReadingSource | None) -> bool:
    return kind != "reading" or (readings is not None and readings.may_read)


def _current_readings(readings: ReadingSource):
    session = readings.session_model
    return and_(readings.model.is_retired.is_(False), session.is_retired.is_(False))


def _sqlite(viewer, words, page, readings, practices=None):
    match = " ".join(f'"{word}"' for word in words)
    fts_table = literal_column(TABLE)
    # 1. Every match with its rank. LIMIT -1 keeps this subquery apart, so bm25() runs
    #    in the FTS5 scan, the only place SQLite allows it.
    hits = (
        select(
            fts.c.rowid.label("rid"),
            fts.c.kind,
            fts.c.ref_id,
            func.bm25(fts_table).label("rank"),
        )
        .where(fts_table.op("MATCH")(match))
        .limit(-1)
        .subquery("hits")
    )
    # 2. What the viewer may see, counted and cut to one page.
    kinds = []
    if viewer is not None:
        kinds.append(
            and_(
                hits.c.kind == "post",
                Post.is_hidden.is_(False),
                Post.is_deleted.is_(False),
                boards_seen_by(viewer),
            )
        )
        kinds.append(and_(hits.c.kind == "thread", boards_seen_by(viewer)))
    joined = (
        hits.outerjoin(Post, and_(hits.c.kind == "post", Post.id == hits.c.ref_id))
        .outerjoin(
            Thread,
            Thread.id
            == case(
                (hits.c.kind == "post", Post.thread_id), (hits.c.kind == "thread", hits.c.ref_id)
            ),
        )
        .outerjoin(Board, Board.id == Thread.board_id)
    )
    number, place, slug = Post.number, Board.title, literal(None, String)
    if readings is not None:
        model, session_model = readings.model, readings.session_model
        joined = joined.outerjoin(
            model, and_(hits.c.kind == "reading", model.id == hits.c.ref_id)
        ).outerjoin(session_model, session_model.id == model.session_id)
        kinds.append(and_(hits.c.kind == "reading", _current_readings(readings)))
        number = func.coalesce(Post.number, session_model.number)
        place = func.coalesce(Board.title, session_model.title)
        slug = model.slug
    practice_id, practice_title = literal(None, Integer), literal(None, String)
    if practices is not None:
        practice, comment = practices.model, practices.comment_model
        joined = joined.outerjoin(
            comment, and_(hits.c.kind == COMMENT, comment.id == hits.c.ref_id)
        ).outerjoin(
            practice,
            practice.id
            == case(
                (hits.c.kind == "practice", hits.c.ref_id),
                (hits.c.kind == COMMENT, comment.practice_id),
            ),
        )
        kinds.append(and_(hits.c.kind == "practice", practice.status == "published"))
        kinds.append(
            and_(
                hits.c.kind == COMMENT,
                comment.is_hidden.is_(False),
                practice.status == "published",
            )
        )
        practice_id, practice_title = comment.practice_id, practice.title
    page_rows = (
        select(
            hits.c.rid,
            hits.c.kind,
            hits.c.ref_id,
            hits.c.rank,
            Thread.title.label("thread_title"),
            Thread.id.label("thread_id"),
            number.label("number"),
            place.label("place"),
            slug.label("slug"),
            practice_id.label("practice_id"),
            practice_title.label("practice_title"),
            func.count().over().label("total"),
        )
        .select_from(joined)
        .where(or_(*kinds))
        .order_by(hits.c.rank, hits.c.rid)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .subquery("page_rows")
    )
    # 3. Snippets for this page only, back in an FTS5 scan where snippet() works.
    stmt = (
        select(
            page_rows.c.kind,
            page_rows.c.ref_id,
            case(
                (page_rows.c.kind == "post", page_rows.c.thread_title),
                (page_rows.c.kind == COMMENT, page_rows.c.practice_title),
                else_=func.highlight(fts_table, 0, START, STOP),
            ).label("title"),
            func.snippet(fts_table, 1, START, STOP, "…", 24).label("snippet"),
            page_rows.c.thread_id,
            page_rows.c.number,
            page_rows.c.place,
            page_rows.c.slug,
            page_rows.c.practice_id,
            page_rows.c.total,
        )
        .select_from(page_rows.join(fts, fts.c.rowid == page_rows.c.rid))
        .where(fts_table.op("MATCH")(match))
        .order_by(page_rows.c.rank, page_rows.c.rid)
    )
    return db.session.execute(stmt).all()


ENGLISH = literal_column("'english'::regconfig")


def _tsvector(document):
    """to_tsvector written exactly as in the GIN indexes, so the planner uses them."""
    return func.to_tsvector(ENGLISH, document)


def _headline(document, query, words: int = 30):
    options = f"StartSel={START}, StopSel={STOP}, MaxWords={words}, MinWords=8, MaxFragments=2"
    return func.ts_headline(ENGLISH, document, query, options)


def _practice_document(practice):
    """A practice's searchable text on PostgreSQL, exactly as in its GIN index."""
    sep = literal_column("' '")
    document = practice.title
    for field in (practice.summary, practice.description, practice.results, practice.lessons):
        document = document.op("||")(sep).op("||")(field)
    return _tsvector(document)


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def practice_match(practice):
    """SQL: the practice matches every word as the site search matches it (word forms
    too): through the FTS5 index on SQLite, which holds published practices only, and the
    GIN-indexed tsvector on PostgreSQL. For the library's free text, which adds its own
    conditions (published, facets) around it. The words are bound at execution, as
    `practice_words(words)` under the name "practice_words", so a statement built around
    the condition serves every text."""
    words = bindparam("practice_words")
    if _on_postgresql():
        return _practice_document(practice).op("@@")(func.plainto_tsquery(ENGLISH, words))
    return practice.id.in_(
        select(fts.c.ref_id).where(
            literal_column(TABLE).op("MATCH")(words), fts.c.kind == "practice"
        )
    )


def practice_words(words: list[str]) -> str:
    """The value of practice_match's "practice_words": the words as the database's full
    text query reads them (each one quoted for FTS5)."""
    if _on_postgresql():
        return " ".join(words)
    return " ".join(f'"{word}"' for word in words)


def _postgres(viewer, words, page, readings, practices=None):
    query = func.plainto_tsquery(ENGLISH, " ".join(words))
    parts = []
    if viewer is not None:
        post_doc = _tsvector(Post.body)
        parts.append(
            select(
                literal("post").label("kind"),
                Post.id.label("ref_id"),
                Thread.title.label("title"),
                Post.body.label("document"),
                Thread.id.label("thread_id"),
                Post.number.label("number"),
                Board.title.label("place"),
                literal(None, String).label("slug"),
                literal(None, Integer).label("practice_id"),
                func.ts_rank(post_doc, query).label("rank"),
            )
            .join(Thread, Thread.id == Post.thread_id)
            .join(Board, Board.id == Thread.board_id)
            .where(
                post_doc.op("@@")(query),
                Post.is_hidden.is_(False),
                Post.is_deleted.is_(False),
                boards_seen_by(viewer),
            )
        )
        title_doc = _tsvector(Thread.title)
        parts.append(
            select(
                literal("thread").label("kind"),
                Thread.id.label("ref_id"),
                Thread.title.label("title"),
                literal("").label("document"),
                Thread.id.label("thread_id"),
                literal(None, Integer).label("number"),
                Board.title.label("place"),
                literal(None, String).label("slug"),
                literal(None, Integer).label("practice_id"),
                func.ts_rank(title_doc, query).label("rank"),
            )
            .join(Board, Board.id == Thread.board_id)
            .where(title_doc.op("@@")(query), boards_seen_by(viewer))
        )
    if readings is not None:
        model, session_model = readings.model, readings.session_model
        reading_doc = _tsvector(model.title.op("||")(literal_column("' '")).op("||")(model.body))
        parts.append(
            select(
                literal("reading").label("kind"),
                model.id.label("ref_id"),
                model.title.label("title"),
                model.body.label("document"),
                literal(None, Integer).label("thread_id"),
                session_model.number.label("number"),
                session_model.title.label("place"),
                model.slug.label("slug"),
                literal(None, Integer).label("practice_id"),
                func.ts_rank(reading_doc, query).label("rank"),
            )
            .join(session_model, session_model.id == model.session_id)
            .where(reading_doc.op("@@")(query), _current_readings(readings))
        )
    if practices is not None:
        practice = practices.model
        sep = literal_column("' '")
        practice_doc = _practice_document(practice)
        parts.append(
            select(
                literal("practice").label("kind"),
                practice.id.label("ref_id"),
                practice.title.label("title"),
                practice.summary.op("||")(sep).op("||")(practice.description).label("document"),
                literal(None, Integer).label("thread_id"),
                literal(None, Integer).label("number"),
                literal("").label("place"),
                literal(None, String).label("slug"),
                literal(None, Integer).label("practice_id"),
                func.ts_rank(practice_doc, query).label("rank"),
            ).where(practice_doc.op("@@")(query), practice.status == "published")
        )
        comment = practices.comment_model
        comment_doc = _tsvector(comment.body)
        parts.append(
            select(
                literal(COMMENT).label("kind"),
                comment.id.label("ref_id"),
                practice.title.label("title"),
                comment.body.label("document"),
                literal(None, Integer).label("thread_id"),
                literal(None, Integer).label("number"),
                literal("").label("place"),
                literal(None, String).label("slug"),
                practice.id.label("practice_id"),
                func.ts_rank(comment_doc, query).label("rank"),
            )
            .join(practice, practice.id == comment.practice_id)
            .where(
                comment_doc.op("@@")(query),
                comment.is_hidden.is_(False),
                practice.status == "published",
            )
        )
    matches = union_all(*parts).subquery("matches")
    page_rows = (
        select(matches, func.count().over().label("total"))
        .order_by(matches.c.rank.desc(), matches.c.kind, matches.c.ref_id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
        .subquery("page_rows")
    )
    # Headlines are costly: work them out for this page only.
    stmt = select(
        page_rows.c.kind,
        page_rows.c.ref_id,
        case(
            (page_rows.c.kind.in_(("post", COMMENT)), page_rows.c.title),
            else_=_headline(page_rows.c.title, query, 40),
        ).label("title"),
        _headline(func.translate(page_rows.c.document, START + STOP, "  "), query).label("snippet"),
        page_rows.c.thread_id,
        page_rows.c.number,
        page_rows.c.place,
        page_rows.c.slug,
        page_rows.c.practice_id,
        page_rows.c.total,
    ).order_by(page_rows.c.rank.desc(), page_rows.c.kind, page_rows.c.ref_id)
    return db.session.execute(stmt).all()
