"""Statements built once per process: sent to the driver (database.driver_rows), their
compiled form kept by identity when they go through SQLAlchemy, and their constants
written into their text (queries._written_in), with the same rows as before."""

from __future__ import annotations

import re

from sqlalchemy import Integer, bindparam, literal, select

from portal.database import _BY_IDENTITY, _CompiledByIdentity, read_rows
from portal.extensions import db
from portal.progress import queries


def test_a_kept_statement_is_compiled_once(app):
    statement = select(literal(40) + bindparam("n", type_=Integer))

    def run(statement, n):
        connection = db.session.connection()
        return connection.execute(statement, {"n": n}, execution_options=_BY_IDENTITY)

    with app.app_context():
        first = run(statement, 2)
        assert first.scalar() == 42
        again = run(statement, 3)
        assert again.scalar() == 43
        assert again.context.compiled is first.context.compiled
        assert read_rows(statement, {"n": 3}).scalar() == 43
        # An equal statement that is another object is compiled for itself.
        other = select(literal(40) + bindparam("n", type_=Integer))
        assert run(other, 1).context.compiled is not first.context.compiled


def test_the_cache_checks_identity_and_stays_bounded():
    cache = _CompiledByIdentity(max_entries=2)
    dialect, key = object(), ("a", "key")
    cache[(dialect, key, ("n",), False, False)] = "compiled"
    assert cache.get((dialect, key, ("n",), False, False)) == "compiled"
    assert cache.get((dialect, tuple("ab"), ("n",), False, False)) is None  # equal, not same
    assert cache.get((object(), key, ("n",), False, False)) is None
    assert cache.get((dialect, key, ("m",), False, False)) is None
    cache[(dialect, ("b",), (), False, False)] = "b"
    cache[(dialect, ("c",), (), False, False)] = "c"  # full: emptied first
    assert cache.get((dialect, key, ("n",), False, False)) is None
    assert len(cache._kept) == 1


def test_written_constants_leave_the_request_values_bound(app):
    statements = queries._dashboard_statements(True, True)
    request_values = {"dash_cohort", "dash_country", "dash_type", "dash_offset", "dash_key"}
    with app.app_context():
        for statement in (statements.read, statements.people):
            compiled = statement.compile(dialect=db.engine.dialect)
            bound = compiled.positiontup or re.findall(r"%\((\w+)\)s", compiled.string)
            # SQLite's compiler adds "OFFSET 0" (bound) after a LIMIT without an offset.
            added = {n for n in bound if compiled.binds[n].value == 0 and n.startswith("param")}
            assert set(bound) - added <= request_values | {"dash_total"}
            assert "'participant'" in compiled.string


def test_driver_rows_are_the_rows_sqlalchemy_returns(app, participant):
    from datetime import datetime

    from sqlalchemy import DateTime, Float, String, cast, null

    from portal.accounts.models import User
    from portal.database import driver_rows

    statement = select(
        User.id,
        User.display_name,
        User.created_at,
        cast(null(), DateTime),
        cast(User.id, Float),
        cast(null(), String),
    ).where(User.id == bindparam("user_id", type_=Integer))
    with app.test_request_context():
        expected = [tuple(row) for row in read_rows(statement, {"user_id": participant.id})]
        found = driver_rows(statement, {"user_id": participant.id})
        assert found == expected and len(found) == 1
        assert isinstance(found[0][2], datetime)
        assert driver_rows(statement, {"user_id": -1}) == []


def test_driver_rows_are_counted_when_statements_are_counted(app, participant):
    from measure import count_statements

    from portal.accounts.models import User
    from portal.database import driver_rows

    statement = select(User.id).where(User.id == bindparam("user_id", type_=Integer))
    user_id = participant.id
    with app.test_request_context(), count_statements(app) as log:
        assert driver_rows(statement, {"user_id": user_id}) == [(user_id,)]
    assert log.count == 1
