"""Benchmark of the cohort dashboard and exports at 100, 1,000 and 10,000 participants.

Not a test: timings depend on the machine. It builds a throw-away SQLite database (or uses
$BENCH_DATABASE_URL, e.g. a scratch PostgreSQL database, which it empties), imports the shipped
curriculum, fills three cohorts with made-up participants and their summary rows, then prints
the median time of the dashboard page and of each export, and the export's peak Python memory
(tracemalloc) while it streams.

    .venv/bin/python scripts/bench_progress.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("PORTAL_INSTANCE", tempfile.mkdtemp(prefix="bench-instance-"))

from conftest import Browserless, create_schema, test_settings  # noqa: E402
from factories import enrol, make_cohort, make_user  # noqa: E402
from progress.bulk import add_participants  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.learning import content_files  # noqa: E402

SIZES = (100, 1_000, 10_000)
REPEAT = 7


def timed(client, url: str) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(url)
        response.get_data()
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, url
    return statistics.median(times)


def export_peak(client, url: str) -> float:
    """Peak traced memory (MB) while the export is consumed chunk by chunk."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    response = client.get(url, buffered=False)
    size = 0
    for chunk in response.response:
        size += len(chunk)
    response.close()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL") or (
        f"sqlite:///{tempfile.mkdtemp(prefix='bench-db-')}/bench.db"
    )
    app = create_app(test_settings(SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False))
    with app.app_context():
        db.drop_all()
        create_schema()
        content_files.import_curriculum(ROOT / "content")
        trainer = make_user("trainer", display_name="Bench Trainer (made-up)")
        cohorts = {}
        start = 0
        for size in SIZES:
            cohort = make_cohort(f"Bench cohort of {size} (made-up)")
            enrol(trainer, cohort, "trainer")
            add_participants(cohort, size, start=start)
            start += size
            cohorts[size] = cohort.id
        db.session.commit()
        email = trainer.email
    client = app.test_client()
    web = Browserless(client)
    web.login(email)
    print(f"database: {url.split(':', 1)[0]}")
    results = {}
    for size in SIZES:
        cohort_id = cohorts[size]
        results[size] = {
            "dashboard": timed(client, f"/cohorts/{cohort_id}/progress"),
            "csv": timed(client, f"/cohorts/{cohort_id}/progress.csv"),
            "xlsx_mb": export_peak(client, f"/cohorts/{cohort_id}/progress.xlsx"),
            "csv_mb": export_peak(client, f"/cohorts/{cohort_id}/progress.csv"),
        }
        r = results[size]
        print(
            f"{size:>6} participants: dashboard {r['dashboard'] * 1000:7.1f} ms, "
            f"CSV export {r['csv'] * 1000:8.1f} ms, export peak memory CSV {r['csv_mb']:.1f} MB, "
            f"XLSX {r['xlsx_mb']:.1f} MB"
        )
    ratio = results[10_000]["dashboard"] / results[100]["dashboard"]
    growth = max(
        results[10_000]["csv_mb"] - results[100]["csv_mb"],
        results[10_000]["xlsx_mb"] - results[100]["xlsx_mb"],
    )
    print(f"dashboard time at 10,000 / at 100: {ratio:.2f} (goal: at most 3)")
    print(f"export memory growth from 100 to 10,000 rows: {growth:.1f} MB (goal: under 20)")


if __name__ == "__main__":
    main()
