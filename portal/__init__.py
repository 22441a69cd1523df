"""The VCA Portal: application factory."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from flask import Flask

from portal.config import DEFAULT_SECRET_KEYS, MIN_SECRET_KEY_LENGTH, Config
from portal.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """The app refuses to start with an unsafe configuration."""


def create_app(config: type | dict | None = None) -> Flask:
    """Build the application; `config` is a Config subclass or a dict of overrides."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("PORTAL_INSTANCE", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _check_secret_key(app)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'portal.db'}"
    is_production = app.config["PORTAL_ENV"] == "production"
    app.config["SESSION_COOKIE_SECURE"] = is_production
    app.config["REMEMBER_COOKIE_SECURE"] = is_production
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options["connect_args"] = {**options.get("connect_args", {}), "timeout": 30}
    else:
        options.setdefault("pool_pre_ping", True)
        # An unreachable database answers a friendly 503 within seconds, not after
        # the operating system's TCP timeout.
        options["connect_args"] = {"connect_timeout": 3, **options.get("connect_args", {})}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    _init_extensions(app)
    from portal.security import init_url_converters

    init_url_converters(app)  # before the blueprints: ids beyond 64 bits answer 404
    _register_blueprints(app)
    from portal import cli, security, web

    security.init_security(app)
    security.init_static_versions(app)
    web.init_errors(app)
    web.init_database_errors(app)
    cli.register(app)
    _init_templates(app)
    _init_logging(app)
    return app


def _check_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY") or ""
    if app.config["PORTAL_ENV"] == "production":
        if key.lower() in DEFAULT_SECRET_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigurationError(
                f"SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET_KEY_LENGTH} characters in production."
            )
        return
    if not key:
        # Development: keep a generated key in the instance folder so sessions survive restarts.
        path = Path(app.instance_path) / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        app.config["SECRET_KEY"] = path.read_text().strip()


def _init_extensions(app: Flask) -> None:
    from portal import models  # noqa: F401  (registers every table)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    babel.init_app(app, locale_selector=_select_locale)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            from portal.database import configure_sqlite

            configure_sqlite(db.engine)


def _select_locale() -> str:
    from portal.i18n.languages import select_locale

    return select_locale()


def _register_blueprints(app: Flask) -> None:
    from portal.accounts import bp as accounts_bp
    from portal.admin import bp as admin_bp
    from portal.authoring import bp as authoring_bp
    from portal.cohorts import bp as cohorts_bp
    from portal.discussion import bp as discussion_bp
    from portal.discussion.notifications import bp as notifications_bp
    from portal.learning import bp as learning_bp
    from portal.public import bp as public_bp
    from portal.search import bp as search_bp

    for blueprint in (public_bp, accounts_bp, cohorts_bp, admin_bp, discussion_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(authoring_bp)
    app.register_blueprint(learning_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(search_bp)
    from portal.progress import bp as progress_bp

    app.register_blueprint(progress_bp)

    from portal.enquiries import bp as enquiries_bp

    app.register_blueprint(enquiries_bp)

    from portal.exercises import bp as exercises_bp

    app.register_blueprint(exercises_bp)
    from portal.directory import bp as directory_bp

    app.register_blueprint(directory_bp)

    from portal.practices import bp as practices_bp

    app.register_blueprint(practices_bp)
    from portal.i18n import bp as i18n_bp

    app.register_blueprint(i18n_bp)
    from portal.offline import bp as offline_bp

    app.register_blueprint(offline_bp)

    @app.get("/healthz")
    def healthz():
        """The database and Redis, each reported; 503 only when the database is down."""
        from portal.health import check

        report, status = check(app)
        return report, status


def _init_templates(app: Flask) -> None:
    from flask_babel import get_locale

    from portal import permissions
    from portal.countries import country_name
    from portal.layout import layout_parts
    from portal.mail import absolute_url
    from portal.navigation import fixed_url, item_url, nav_html
    from portal.security import csrf_token
    from portal.translations import install_template_gettext

    app.jinja_env.add_extension("jinja2.ext.do")
    install_template_gettext(app.jinja_env)  # the catalogue once per request, not per string
    app.jinja_env.globals.update(
        can=permissions.can,
        country_name=country_name,
        nav_html=nav_html,
        fixed_url=fixed_url,
        item_url=item_url,
        layout_parts=layout_parts,
        csrf_token=csrf_token,
        get_locale=get_locale,
        absolute_url=absolute_url,
    )
    from portal.i18n.content import quiz_text, session_texts
    from portal.i18n.languages import chart_x, languages, text_direction, when

    app.jinja_env.globals.update(
        chart_x=chart_x,
        languages=languages,
        text_direction=text_direction,
        session_texts=session_texts,
        quiz_text=quiz_text,
        # Country names in the page's language (CLDR), as the profile form shows them.
        country_name=lambda code: country_name(code, str(get_locale() or "en")),
    )
    # The token once a request: Flask-WTF's global and context processor ask each time; this
    # processor runs after Flask-WTF's, so templates and imported macros both get ours.
    csrf_context = {"csrf_token": csrf_token}
    app.context_processor(lambda: csrf_context)
    app.jinja_env.filters["when"] = when
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _init_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
