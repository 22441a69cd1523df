"""Learning fixtures: the shipped curriculum, and small made-up quizzes of any size."""

from __future__ import annotations

from pathlib import Path

import pytest

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def shipped(shipped_curriculum):
    """The curriculum of content/ in the test database, as importing it stores it."""
    return shipped_curriculum
