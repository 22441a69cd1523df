"""Benchmark of the cohort dashboard and exports at 100, 1,000 and 10,000 participants.

Not a test: timings depend on the machine. It builds a throw-away SQLite database (or uses
$BENCH_DATABASE_URL, e.g. a scratch PostgreSQL database, which it empties), imports the shipped
curriculum, fills three cohorts with made-up participants and their summary rows, then prints
the median time of the dashboard page and of each export, the export's peak Python memory
(tracemalloc) while it streams, and the peak resident memory (getrusage) of a separate
process that streams each export, so that the growth from 100 to 10,000 rows is the
process's own.

The first view of a cohort after the bulk load recomputes every participant's progress
summary (the bulk insert marks them all stale); it is timed separately. Then every summary
is marked stale again, one background refresh run (`flask progress refresh`, timed) brings
them up to date, and the first view after it is timed: what a trainer meets when the
refresher runs. Then the page is timed as it is used: with the summaries current.

    .venv/bin/python scripts/bench_progress.py
    BENCH_SIZES=100,10000 .venv/bin/python scripts/bench_progress.py   # quicker
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
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

SIZES = tuple(
    int(n) for n in os.environ.get("BENCH_SIZES", "100,1000,10000").split(",")
)  # BENCH_SIZES=100,10000 skips the middle size; 100 and 10,000 are needed for the ratios
REPEAT = 7


def timed(client, url: str, repeat: int = REPEAT) -> tuple[float, float]:
    """Median wall-clock and median CPU time (of this process: the request runs in it) of
    `repeat` requests. On a shared machine the CPU time is the steadier of the two."""
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        response.get_data()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        assert response.status_code == 200, url
    return statistics.median(times), statistics.median(cpu)


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


def child_rss(url: str, email: str, path: str) -> dict:
    """Peak resident memory (MB) of a fresh process that streams one export: `peak_mb` is
    its peak RSS at the end, `growth_mb` how much streaming raised it (0 when the peak was
    already reached while starting up). Comparing `peak_mb` at 100 and 10,000 rows is the
    budget's "memory of the process grows by less than 20 MB"."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", url, email, path],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def peak_rss_mb() -> float:
    """This process's peak resident memory (MB): VmHWM where /proc has it, because
    ru_maxrss is carried over from the parent across fork and exec (a child of a parent that
    has just served 10,000 rows would start with the parent's peak)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(url: str, email: str, path: str) -> None:
    app = create_app(test_settings(SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False))
    client = app.test_client()
    web = Browserless(client)
    web.login(email)
    warm = client.get(path.replace(".csv", ".csv?country=ZZ").replace(".xlsx", ".xlsx?country=ZZ"))
    warm.get_data()
    before = peak_rss_mb()
    response = client.get(path, buffered=False)
    size = 0
    for chunk in response.response:
        size += len(chunk)
    response.close()
    after = peak_rss_mb()
    print(json.dumps({"growth_mb": after - before, "peak_mb": after, "bytes": size}))


def first_view_after_refresh(app, client, cohort_id: int) -> tuple[float, float]:
    """Mark the cohort's summaries stale (as a bulk change does), run the background refresh
    once, then view the dashboard: (seconds of the refresh run, seconds of the view)."""
    from sqlalchemy import select

    from portal.cohorts.models import Membership
    from portal.progress.models import ProgressSummary
    from portal.progress.queries import refresh_stale

    with app.app_context():
        table = ProgressSummary.__table__
        members = select(Membership.user_id).where(Membership.cohort_id == cohort_id)
        db.session.execute(
            table.update()
            .where(table.c.objective == 0, table.c.user_id.in_(members))
            .values(version=table.c.version + 1)
        )
        db.session.commit()
        start = time.perf_counter()
        refresh_stale()
        refresh_run = time.perf_counter() - start
        db.session.remove()
    start = time.perf_counter()
    assert client.get(f"/cohorts/{cohort_id}/progress").status_code == 200
    return refresh_run, time.perf_counter() - start


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
    first = {}
    for size in SIZES:  # every cohort's first view, before any refresh run
        start = time.perf_counter()
        assert client.get(f"/cohorts/{cohorts[size]}/progress").status_code == 200
        first[size] = time.perf_counter() - start
    for size in SIZES:
        cohort_id = cohorts[size]
        refresh_run, after_refresh = first_view_after_refresh(app, client, cohort_id)
        results[size] = {
            "first": first[size],
            "refresh_run": refresh_run,
            "after_refresh": after_refresh,
            "dashboard": timed(client, f"/cohorts/{cohort_id}/progress"),
            "csv": timed(client, f"/cohorts/{cohort_id}/progress.csv", repeat=1)[0],
            "xlsx_mb": export_peak(client, f"/cohorts/{cohort_id}/progress.xlsx"),
            "csv_mb": export_peak(client, f"/cohorts/{cohort_id}/progress.csv"),
        }
        r = results[size]
        for kind in ("csv", "xlsx"):
            r[f"{kind}_rss"] = child_rss(url, email, f"/cohorts/{cohort_id}/progress.{kind}")
        print(
            f"{size:>6} participants: dashboard {r['dashboard'][0] * 1000:7.1f} ms "
            f"(CPU {r['dashboard'][1] * 1000:.1f} ms) "
            f"(first view, refreshing every summary: {r['first'] * 1000:.0f} ms; "
            f"refresh run {r['refresh_run'] * 1000:.0f} ms, then first view "
            f"{r['after_refresh'] * 1000:.0f} ms), "
            f"CSV export {r['csv'] * 1000:8.1f} ms, export peak Python memory CSV "
            f"{r['csv_mb']:.1f} MB, XLSX {r['xlsx_mb']:.1f} MB; peak RSS of a process streaming "
            f"it: CSV {r['csv_rss']['peak_mb']:.1f} MB (+{r['csv_rss']['growth_mb']:.1f} while "
            f"streaming), XLSX {r['xlsx_rss']['peak_mb']:.1f} MB "
            f"(+{r['xlsx_rss']['growth_mb']:.1f})"
        )
    ratio = results[10_000]["dashboard"][0] / results[100]["dashboard"][0]
    cpu_ratio = results[10_000]["dashboard"][1] / results[100]["dashboard"][1]
    growth = max(
        results[10_000]["csv_mb"] - results[100]["csv_mb"],
        results[10_000]["xlsx_mb"] - results[100]["xlsx_mb"],
    )
    rss_growth = max(
        results[10_000][k]["peak_mb"] - results[100][k]["peak_mb"] for k in ("csv_rss", "xlsx_rss")
    )
    print(f"dashboard time at 10,000 / at 100: {ratio:.2f} (goal: at most 3)")
    print(f"dashboard CPU time at 10,000 / at 100: {cpu_ratio:.2f}")
    print(f"export Python memory growth from 100 to 10,000 rows: {growth:.1f} MB (goal: under 20)")
    print(f"export process peak RSS, 10,000 rows minus 100 rows: {rss_growth:.1f} MB (goal: < 20)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:5])
    else:
        main()
