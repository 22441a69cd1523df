"""Alembic environment: runs migrations on the Flask app's engine and metadata."""

import logging

from alembic import context
from flask import current_app

log = logging.getLogger("alembic.env")
config = context.config


def _database():
    return current_app.extensions["migrate"].db


def _options() -> dict:
    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("render_as_batch", True)  # SQLite cannot ALTER most things in place
    options.setdefault("compare_type", True)
    options.setdefault("include_name", _include_name)
    return options


def _include_name(name, type_, parent_names) -> bool:
    # The search index is raw DDL, not ORM metadata: the FTS5 table (and its shadow
    # tables) on SQLite, GIN expression indexes on PostgreSQL (migration 0004).
    if type_ == "table" and name and name.startswith("search_index"):
        return False
    # The curriculum's version is raw DDL too (portal/learning/curriculum_version.py).
    if type_ == "table" and name == "curriculum_version":
        return False
    return not (type_ == "index" and name and name.startswith("ix_search_"))


def _skip_empty_autogenerate(context_, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in the models; no migration written.")


def run_offline() -> None:
    url = _database().engine.url.render_as_string(hide_password=False)
    context.configure(
        url=url, target_metadata=_database().metadata, literal_binds=True, **_options()
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    options = _options()
    options.setdefault("process_revision_directives", _skip_empty_autogenerate)
    with _database().engine.connect() as connection:
        context.configure(connection=connection, target_metadata=_database().metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
