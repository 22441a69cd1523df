"""The curriculum's version: raised by the database on every change the catalogue reads,
so that a worker keeps the catalogue by it and still shows a change made elsewhere at once."""

from __future__ import annotations

import pytest
from conftest import POSTGRES_URL
from conftest import test_settings as make_settings
from sqlalchemy import Column, create_engine, insert, inspect, text, update
from sqlalchemy.sql import visitors

from portal import create_app
from portal.extensions import db
from portal.learning import curriculum_version
from portal.learning.curriculum_version import CURRENT, WATCHED
from portal.learning.models import CurriculumSession, Objective, Question, Reading
from portal.progress import queries
from tests.progress.builders import small_curriculum


def version() -> int:
    return db.session.scalar(CURRENT)


def test_the_triggers_watch_every_column_the_catalogue_reads():
    """WATCHED (which the triggers are made from) names exactly the columns of the
    catalogue's statement: a column read there but not watched would go stale unseen."""
    read = {
        (element.table.name, element.name)
        for element in visitors.iterate(queries._catalogue_statement())
        if isinstance(element, Column) and element.table.name != curriculum_version.TABLE
    }
    assert read == {(table, column) for table, columns in WATCHED.items() for column in columns}


def test_create_all_makes_the_row_and_triggers_at_a_first_version_of_its_own():
    """Two databases made by create_all (as the tests' are) start at different versions,
    so catalogues a worker kept for one are never taken for the other's."""
    starts = []
    for _ in range(2):
        engine = create_engine("sqlite://")
        db.metadata.create_all(engine)
        with engine.begin() as connection:
            start = connection.execute(CURRENT).scalar()
            connection.execute(insert(Objective).values(number=1, title="One", description=""))
            assert connection.execute(CURRENT).scalar() == start + 1
        starts.append(start)
        engine.dispose()
    assert starts[0] != starts[1]


def test_each_watched_change_raises_the_version_and_others_do_not(app):
    data = small_curriculum()
    db.session.commit()
    reading = data["readings"][(data["sessions"][0].id, 1)]

    def raised(statement) -> bool:
        before = version()
        db.session.execute(statement)
        db.session.commit()
        return version() > before

    assert raised(update(Reading).where(Reading.id == reading.id).values(title="New title"))
    assert not raised(update(Reading).where(Reading.id == reading.id).values(body="New body"))
    assert raised(update(Question).where(Question.key == "c").values(is_retired=True))
    assert raised(update(Objective).where(Objective.number == 1).values(description="New"))
    assert raised(insert(Objective).values(number=3, title="Third", description=""))
    assert raised(Objective.__table__.delete().where(Objective.number == 3))
    assert not raised(update(CurriculumSession).values(slug=CurriculumSession.slug))


def test_the_catalogue_is_kept_by_version_and_made_again_for_a_new_one(app):
    small_curriculum()
    db.session.commit()
    first = queries.catalogue()
    assert queries.catalogue() is first  # kept: the version alone was read
    assert queries.catalogue(version()) is first
    db.session.execute(update(Objective).where(Objective.number == 1).values(title="Renamed"))
    db.session.commit()
    second = queries.catalogue()
    assert second is not first and second.objectives[0].title == "Renamed"
    assert queries.catalogue(version()) is second


def _migrated_database(url: str) -> None:
    """Migration 0021 on a database at 0020: the row and triggers come, and go again."""
    from flask_migrate import downgrade, upgrade

    app = create_app(make_settings(SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        upgrade(revision="0020")
        assert curriculum_version.TABLE not in inspect(db.engine).get_table_names()
        upgrade(revision="0021")
        start = version()
        assert start is not None
        db.session.execute(insert(Objective).values(number=1, title="One", description=""))
        db.session.commit()
        assert version() == start + 1
        db.session.remove()  # the migration's own connection takes the write lock
        downgrade(revision="0020")
        assert curriculum_version.TABLE not in inspect(db.engine).get_table_names()
        # No trigger is left to write to the table that is gone.
        db.session.execute(update(Objective).values(title="Two"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.slow
def test_migration_up_and_down_sqlite(tmp_path):
    _migrated_database(f"sqlite:///{tmp_path / 'migrate.db'}")


@pytest.mark.skipif(not POSTGRES_URL, reason="PORTAL_TEST_DB is not set to PostgreSQL")
def test_migration_up_and_down_postgresql():
    from portal.config import normalise_database_url

    admin_url = normalise_database_url(POSTGRES_URL)
    name = "portal_curriculum_version_check"

    def run(statement):
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(statement))
        engine.dispose()

    run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    run(f"CREATE DATABASE {name}")
    try:
        _migrated_database(admin_url.rsplit("/", 1)[0] + "/" + name)
    finally:
        run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
