"""Enquiry reads for the inbox."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.enquiries.models import TRAINER_KINDS, Enquiry
from portal.enquiries.permissions import visible_enquiries
from portal.extensions import db

PAGE_SIZE = 50


def _filtered(viewer, kind: str, status: str):
    query = visible_enquiries(viewer, select(Enquiry))
    if kind:
        query = query.where(Enquiry.kind == kind)
    if status:
        query = query.where(Enquiry.status == status)
    return query


def inbox(viewer, kind: str = "", status: str = "", page: int = 1) -> dict:
    """One page of the enquiries the viewer may handle, newest first, and the total."""
    query = _filtered(viewer, kind, status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(Enquiry.created_at.desc(), Enquiry.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return {"rows": rows, "total": total, "page": page, "pages": max(1, -(-total // PAGE_SIZE))}


def enquiry_for(viewer, enquiry_id: int) -> Enquiry | None:
    """The enquiry with its history when the viewer may handle it; None otherwise."""
    return db.session.scalar(
        visible_enquiries(viewer, select(Enquiry))
        .where(Enquiry.id == enquiry_id)
        .options(selectinload(Enquiry.notes))
    )


def assignees(enquiry: Enquiry) -> list[User]:
    """Active staff who may handle this enquiry: admins, and trainers for their kinds."""
    roles = ("admin", "trainer") if enquiry.kind in TRAINER_KINDS else ("admin",)
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_(roles), User.is_enabled.is_(True), User.deleted_at.is_(None))
            .order_by(User.display_name)
        )
    )


def admin_addresses() -> list[str]:
    """Where news of an enquiry goes: every active admin."""
    return list(
        db.session.scalars(
            select(User.email).where(
                User.is_admin, User.is_enabled.is_(True), User.deleted_at.is_(None)
            )
        )
    )


def export_rows(viewer, kind: str = "", status: str = "") -> Iterator[Enquiry]:
    """Every enquiry the viewer may handle, oldest first, fetched in batches."""
    query = _filtered(viewer, kind, status).order_by(Enquiry.id)
    result = db.session.scalars(query.execution_options(yield_per=500))
    try:
        yield from result
    finally:
        result.close()  # also when the download is abandoned half way


def recent_duplicate(kind: str, email: str, since) -> Enquiry | None:
    """The same person's enquiry of the same kind sent moments ago (a double click)."""
    return db.session.scalar(
        select(Enquiry)
        .where(
            Enquiry.kind == kind,
            func.lower(Enquiry.email) == email.lower(),
            Enquiry.created_at >= since,
        )
        .limit(1)
    )


def session_choices() -> list[tuple[int, str]]:
    """(number, title) of the current sessions, for the presenter form."""
    from portal.learning.models import CurriculumSession

    return [
        (number, f"{number}. {title}")
        for number, title in db.session.execute(
            select(CurriculumSession.number, CurriculumSession.title)
            .where(CurriculumSession.is_retired.is_(False))
            .order_by(CurriculumSession.number)
        )
    ]
