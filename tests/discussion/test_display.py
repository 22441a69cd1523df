"""The breadcrumb and follow button, written in Python, against the macro and the included
template they replaced."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import render_template_string
from flask_babel import force_locale

from discussion.conftest import HX, post_form, sign_in
from portal.discussion.display import crumbs, subscription_widget
from portal.discussion.notifications.queries import SubscriptionState

# The crumbs macro as it was (templates/discussion/_macros.html).
CRUMBS = """{% macro crumbs(board=None, thread=None) %}
<nav aria-label="{{ _('Breadcrumb') }}" class="crumbs">
  <a href="{{ item_url('discussion.board_list') }}">{{ _("Discussion") }}</a>
  {% if board %} › <a href="{{ item_url('discussion.board_detail', board_id=board.id) }}">\
{{ board.title }}</a>{% endif %}
  {% if thread %} › <a href="{{ item_url('discussion.thread_detail', thread_id=thread.id) }}">\
{{ thread.title }}</a>{% endif %}
</nav>
{% endmacro %}{{ crumbs(board, thread) }}"""

# templates/discussion/subscription.html as it was, included by the thread and board pages.
WIDGET = """{# The follow button of a thread or board; it replaces itself when htmx is on. #}
{% block widget %}
{% if subscription %}
{% set endpoint = "notifications.thread_subscription" if subscription.kind == "thread" else \
"notifications.board_subscription" %}
{% set ident = {"thread_id": subscription.target_id} if subscription.kind == "thread" else \
{"board_id": subscription.target_id} %}
{% set action = item_url(endpoint, action="unsubscribe" if subscription.is_subscribed else \
"subscribe", **ident) %}
<form id="subscription-{{ subscription.kind }}" class="subscription inline" method="post" \
action="{{ action }}" hx-post="{{ action }}" hx-target="this" hx-swap="outerHTML">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  {% if subscription.is_subscribed %}
  <strong class="subscription-state">{{ _("Following") }}</strong>
  <button type="submit" class="small">{{ _("Stop following") }}</button>
  <span class="hint">{{ _("You are told about new posts here.") }}</span>
  {% elif subscription.via_board %}
  <strong class="subscription-state">{{ _("Following") }}</strong>
  <span class="hint">{{ _("You already follow the whole board.") }}</span>
  {% else %}
  <button type="submit" class="small">{{ _("Follow this thread") if subscription.kind == \
"thread" else _("Follow this board") }}</button>
  {% endif %}
  <a class="hint" href="{{ item_url('notifications.settings') }}">{{ _("E-mail settings") }}</a>
</form>
{% endif %}
{% endblock %}"""

ODD = SimpleNamespace(id=7, title="A <b>board</b> & \"quotes\" › 'single'")
THREAD = SimpleNamespace(id=12, title="Is <script>x</script> & co ok?")


def states():
    yield None
    for kind, target in (("thread", 12), ("board", 7)):
        for subscribed, via_board in ((False, False), (True, False), (False, True), (True, True)):
            yield SubscriptionState(kind, target, subscribed, via_board)


@pytest.mark.parametrize("language", ["en", "ur", "th", "id"])
def test_the_breadcrumb_and_follow_button_are_the_markup_they_replaced(app, language):
    with app.test_request_context(), force_locale(language):
        for board, thread in ((None, None), (ODD, None), (ODD, THREAD), (None, THREAD)):
            expected = render_template_string(CRUMBS, board=board, thread=thread)
            assert crumbs(board, thread) == expected
        for state in states():
            expected = render_template_string(WIDGET, subscription=state)
            assert subscription_widget(state) == expected
        assert "Follow this board" not in subscription_widget(None)


def test_the_follow_button_swaps_itself_and_the_thread_page_shows_it(web, world):
    sign_in(web, world.participant)
    thread = world.thread_a
    page = web.client.get(f"/discussion/threads/{thread.id}").get_data(as_text=True)
    assert f'action="/discussion/threads/{thread.id}/subscribe"' in page
    assert f'href="/discussion/boards/{world.board_a.id}">' in page  # the breadcrumb
    swapped = post_form(web, f"/discussion/threads/{thread.id}/subscribe", {}, headers=HX)
    body = swapped.get_data(as_text=True)
    assert body.startswith('<form id="subscription-thread"') and body.endswith("</form>\n")
    assert f'action="/discussion/threads/{thread.id}/unsubscribe"' in body
    assert "<html" not in body
