"""SPEC §4 budgets on the pages this feature touches, in Urdu with the shipped translations."""

from pathlib import Path

import pytest
from measure import count_statements, page_weight

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def urdu_participant(shipped_curriculum, as_participant):
    as_participant.post("/language", {"language": "ur", "next": "/"})
    return as_participant


@pytest.mark.parametrize(
    "path", ["/sessions/1", "/sessions/1/readings/who-is-a-victim", "/sessions/6"]
)
def test_translated_pages_within_cold_and_warm_budgets(urdu_participant, path):
    weight = page_weight(urdu_participant.client, path)
    assert weight.requests <= 6 and weight.bytes <= 50 * 1024, weight.sizes
    assert weight.sizes[path] <= 10 * 1024, weight.sizes


@pytest.mark.parametrize(
    "path",
    [
        "/sessions/1",
        "/sessions/2",
        "/sessions/1/readings/who-is-a-victim",
        "/sessions/1/offline.html",
        "/sessions/1/readings/record",
        "/author/translations",
    ],
)
def test_statement_counts(app, urdu_participant, trainer, path):
    if path.startswith("/author/"):
        urdu_participant.logout()
        urdu_participant.login(trainer.email)
    urdu_participant.client.get(path)  # warm any per-process cache
    with count_statements(app) as log:
        response = urdu_participant.client.get(path)
    assert response.status_code == 200
    assert log.count <= 8, log.statements
