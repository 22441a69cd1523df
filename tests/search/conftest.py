"""Search fixtures: the discussion world (two cohorts, alumni, boards, posts) and the
practice people (readers of the library in two cohorts, an alumnus, an outsider)."""

from discussion.conftest import world  # noqa: F401
from practices.conftest import people  # noqa: F401
