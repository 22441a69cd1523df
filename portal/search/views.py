"""The search page: a plain GET form; results are a block htmx can swap."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from portal import permissions
from portal.discussion.permissions import viewer_for
from portal.search import bp, queries
from portal.search.practices import practice_source
from portal.search.readings import reading_source
from portal.web import render


@bp.get("/search")
def search():
    """Results for `q`, ten a page: members find the posts and threads of their boards,
    everyone finds readings (visitors by title only), readers of the library find
    published practices and their comments."""
    query = request.args.get("q", "", type=str)[: queries.MAX_QUERY]
    page = min(max(request.args.get("page", 1, type=int), 1), 1000)
    words = queries.terms(query)
    signed_in = permissions.is_signed_in(current_user)
    viewer = viewer_for(current_user) if signed_in else None
    practices = practice_source(current_user)
    result = queries.search(viewer, words, page, reading_source(current_user), practices)
    return render(
        "search/search.html",
        block="results",
        query=query,
        words=words,
        result=result,
        signed_in=signed_in,
        reads_library=practices is not None,
    )
