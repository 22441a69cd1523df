"""Translations of the curriculum: one document per session and language, as written in content/."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import utcnow
from portal.extensions import db


class ContentTranslation(db.Model):
    """A session's texts in one language.

    `document` is the file exactly as imported (export writes it back byte for byte);
    `data` is the same document parsed, for the pages to read.
    """

    __table_args__ = (UniqueConstraint("session_number", "language", name="uq_translation_lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_number: Mapped[int] = mapped_column(index=True)
    language: Mapped[str] = mapped_column(String(10))
    document: Mapped[str] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
