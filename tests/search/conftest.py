"""Search fixtures: the discussion world (two cohorts, alumni, boards, posts)."""

from discussion.conftest import world  # noqa: F401
