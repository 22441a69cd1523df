"""Authoring fixtures: a small made-up curriculum."""

from __future__ import annotations

import pytest

from authoring.builders import make_objectives, make_session


@pytest.fixture
def curriculum(app):
    """Objectives 1-4 and two made-up sessions (1 with two readings, 2 without)."""
    make_objectives()
    first = make_session(1, objectives=(1, 2), readings=2)
    second = make_session(2, objectives=(3,))
    return first, second
