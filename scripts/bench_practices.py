"""Time the practice library at 10 and at 500 published practices (a benchmark, not a
test): `python scripts/bench_practices.py`. Uses a throw-away SQLite database."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("PORTAL_INSTANCE", tempfile.mkdtemp(prefix="bench-practices-"))

from conftest import create_schema, test_settings  # noqa: E402
from factories import PASSWORD, csrf_from, enrol, make_cohort, make_user  # noqa: E402
from practices.conftest import insert_published, make_curriculum  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402

COUNTRIES = ["BD", "KH", "CN", "IN", "ID", "KR", "MY", "MV", "MN", "NP", "PK", "PH", "TH"]
PAGES = {
    "library": "/practices/",
    "filtered": "/practices/?country=TH&pillar=protection&q=referral&sort=useful",
    "practice": "/practices/10001",
    "bare route (reference)": "/healthz",
}
ROUNDS = 200


def main() -> None:
    path = Path(tempfile.mkdtemp()) / "bench.db"
    app = create_app(test_settings(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}"))
    with app.app_context():
        create_schema()
        make_curriculum()
        cohort = make_cohort("Bench cohort (fictional)")
        reader = make_user(display_name="Bench Reader")
        enrol(reader, cohort)
        email = reader.email
        db.session.remove()
    client = app.test_client()  # requests run in their own app context, as in production
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    for size, start in ((10, 0), (490, 10)):
        with app.app_context():
            insert_published(size, COUNTRIES, start)
            db.session.remove()
        for name, url in PAGES.items():
            assert client.get(url).status_code == 200, url  # warm up
            began = time.perf_counter()
            for _ in range(ROUNDS):
                client.get(url)
            elapsed = (time.perf_counter() - began) / ROUNDS * 1000
            print(f"{size + start:4d} practices  {name:22s} {elapsed:6.2f} ms/request")


if __name__ == "__main__":
    main()
