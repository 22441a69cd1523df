"""Deterministic measurements for budget tests: SQL statements and page weight."""

from __future__ import annotations

import gzip
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from portal.extensions import db

TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.I)


@dataclass
class StatementLog:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_statements(app):
    """Count the SQL statements (not BEGIN/COMMIT) the app's engine runs inside the block."""
    log = StatementLog()
    with app.app_context():
        engine = db.engine

    def _before(conn, cursor, statement, parameters, context, executemany):
        if not TRANSACTION_CONTROL.match(statement):
            log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", _before)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", _before)


ASSET_RE = re.compile(r'<(?:script[^>]+src|link[^>]+href|img[^>]+src)="(/[^"]+)"', re.I)


@dataclass
class PageWeight:
    requests: int
    bytes: int
    other_hosts: list[str]
    sizes: dict[str, int]


def page_weight(client, path: str) -> PageWeight:
    """Cold-cache weight of a page: the page plus every asset it references, as gzip bytes."""
    headers = {"Accept-Encoding": "gzip"}
    response = client.get(path, headers=headers)
    assert response.status_code == 200, f"{path} answered {response.status_code}"
    html = _body(response)
    sizes = {path: _wire_size(response)}
    for asset in dict.fromkeys(ASSET_RE.findall(html)):
        asset_response = client.get(asset, headers=headers)
        assert asset_response.status_code == 200, asset
        sizes[asset] = _wire_size(asset_response)
        asset_response.close()
    other = re.findall(
        r'<(?:script|link|img|iframe|source)[^>]+(?:src|href)="(?:https?:)?//([^/"]+)', html
    )
    return PageWeight(
        requests=len(sizes), bytes=sum(sizes.values()), other_hosts=other, sizes=sizes
    )


def _wire_size(response) -> int:
    response.direct_passthrough = False
    return len(response.get_data())


def _body(response) -> str:
    data = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return data.decode()
