"""Production keeps strong argon2id parameters; only the test configuration makes them cheap."""

from argon2 import Type, extract_parameters

from portal import create_app
from portal.accounts.passwords import hash_password, verify_password
from portal.config import Config, TestConfig

# OWASP Password Storage Cheat Sheet: argon2id with at least 19 MiB of memory, 2 iterations
# and 1 degree of parallelism (or an equivalent trade of memory for iterations).
OWASP_MIN_MEMORY_KIB = 19 * 1024
OWASP_MIN_TIME_COST = 2


def test_production_config_sets_no_cheap_parameters():
    assert getattr(Config, "PASSWORD_HASH_PARAMS", None) is None
    assert TestConfig.PASSWORD_HASH_PARAMS["memory_cost"] < OWASP_MIN_MEMORY_KIB


def test_hash_outside_the_test_config_meets_owasp_minimum(tmp_path):
    app = create_app(
        {
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
            "TESTING": True,
        }
    )
    with app.app_context():
        params = extract_parameters(hash_password("a long enough passphrase"))
    assert params.type is Type.ID
    assert params.memory_cost >= OWASP_MIN_MEMORY_KIB
    assert params.time_cost >= OWASP_MIN_TIME_COST
    assert params.parallelism >= 1


def test_cheap_test_hash_still_verifies_and_refuses(app):
    stored = hash_password("a long enough passphrase")
    assert extract_parameters(stored).memory_cost == TestConfig.PASSWORD_HASH_PARAMS["memory_cost"]
    assert verify_password(stored, "a long enough passphrase")
    assert not verify_password(stored, "a long enough passphrasE")
