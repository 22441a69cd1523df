"""Learning fixtures: the shipped curriculum, and small made-up quizzes of any size."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.extensions import db
from portal.learning import content_files

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def shipped(app):
    """The curriculum of content/, imported into the test database."""
    content_files.import_curriculum(CONTENT)
    db.session.commit()
    return CONTENT
