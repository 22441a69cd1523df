"""The pure parts of the benchmark's throughput, page-weight and memory steps (bench/run.py,
bench/weight.py, bench/memory.py): the median of a page's runs, counting what crossed the
wire from CDP events, the SPEC §4 verdicts, reading /proc status text. The measurements
themselves run in `make bench`."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
ORIGIN = "http://127.0.0.1:8000"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


weight = _load("weight")
memory = _load("memory")
run = _load("run")


def _sent(traffic, request_id: str, url: str, redirect: dict | None = None) -> None:
    params = {"requestId": request_id, "request": {"url": url}}
    if redirect is not None:
        params["redirectResponse"] = redirect
    traffic.request_will_be_sent(params)


def _answered(traffic, request_id: str, head: int, total: int, **flags) -> None:
    response = {"status": 200, "encodedDataLength": head, **flags}
    traffic.response_received({"requestId": request_id, "response": response})
    traffic.loading_finished({"requestId": request_id, "encodedDataLength": total})


def test_traffic_counts_wire_bytes_and_requests_not_cache_hits():
    traffic = weight.Traffic()
    # A form post answered 303, then the page it leads to (one request id, two hops).
    _sent(traffic, "1", ORIGIN + "/quiz/attempts/4")
    _sent(traffic, "1", ORIGIN + "/quiz/attempts/4/review", {"encodedDataLength": 610})
    _answered(traffic, "1", 900, 4_900)
    _sent(traffic, "2", ORIGIN + "/static/css/portal.css?v=0123456789")
    _answered(traffic, "2", 700, 5_400)
    _sent(traffic, "3", ORIGIN + "/static/vendor/htmx.min.js?v=abcdef0123")
    traffic.served_from_cache({"requestId": "3"})
    _answered(traffic, "3", 0, 0)
    _sent(traffic, "4", ORIGIN + "/static/img/favicon.svg?v=1")
    _answered(traffic, "4", 0, 0, fromDiskCache=True)
    _sent(traffic, "5", "data:image/png;base64,AAAA")

    summary = traffic.summary(ORIGIN)

    assert summary["bytes"] == 610 + 4_900 + 5_400
    assert summary["requests"] == 3
    assert summary["cache_hits"] == 2
    assert summary["other_hosts"] == []
    assert summary["sizes"]["/static/css/portal.css"] == 5_400


def test_traffic_names_other_hosts_and_starts_afresh_after_reset():
    traffic = weight.Traffic()
    _sent(traffic, "1", ORIGIN + "/")
    _answered(traffic, "1", 500, 3_000)
    _sent(traffic, "2", "https://fonts.example.test/font.woff2")
    _answered(traffic, "2", 400, 20_000)
    assert traffic.summary(ORIGIN)["other_hosts"] == ["fonts.example.test"]

    traffic.reset()
    assert traffic.summary(ORIGIN) == {
        "bytes": 0,
        "requests": 0,
        "cache_hits": 0,
        "other_hosts": [],
        "sizes": {},
    }


def test_page_verdict_follows_the_spec_budgets():
    def page(size: int, requests: int = 4, hosts=()) -> dict:
        return {"bytes": size, "requests": requests, "other_hosts": list(hosts)}

    at_limit = weight.page_verdict(page(50 * 1024, 6), page(10 * 1024, 1))
    assert at_limit == {"cold_met": True, "warm_met": True}
    assert not weight.page_verdict(page(50 * 1024 + 1), page(0))["cold_met"]
    assert not weight.page_verdict(page(1_000, 7), page(0))["cold_met"]
    assert not weight.page_verdict(page(1_000, 2, ["cdn.example.test"]), page(0))["cold_met"]
    assert not weight.page_verdict(page(1_000), page(10 * 1024 + 1))["warm_met"]


def test_fragment_verdict_needs_a_small_body_and_vary():
    small = {"status": 200, "bytes": 5 * 1024, "vary": True}
    assert weight.fragment_verdict(small)
    assert not weight.fragment_verdict(small | {"bytes": 5 * 1024 + 1})
    assert not weight.fragment_verdict(small | {"vary": False})
    assert not weight.fragment_verdict(small | {"status": 400})


def test_header_bytes_counts_the_response_head_as_sent():
    head = weight.header_bytes("HTTP/1.1 200 OK", [("Vary", "HX-Request"), ("A", "b")])
    text = "HTTP/1.1 200 OK\r\nVary: HX-Request\r\nA: b\r\n\r\n"
    assert head == len(text)


STATUS = """Name:\tgunicorn
VmPeak:\t  301220 kB
VmHWM:\t  123456 kB
VmRSS:\t   98304 kB
Threads:\t1
"""


def test_status_kb_reads_resident_and_peak_memory():
    assert memory.status_kb(STATUS, "VmRSS") == 98_304
    assert memory.status_kb(STATUS, "VmHWM") == 123_456
    try:
        memory.status_kb(STATUS, "VmSwap")
    except ValueError:
        pass
    else:
        raise AssertionError("a missing field is an error")


def test_memory_verdict_is_every_worker_within_150_mb():
    assert memory.verdict([{"rss_mb": 150.0}, {"rss_mb": 96.5}])
    assert not memory.verdict([{"rss_mb": 150.1}, {"rss_mb": 96.5}])
    assert not memory.verdict([])


def test_a_page_row_is_its_median_run_and_the_lower_middle_of_an_even_number():
    runs = [{"ratio": 0.19, "rps": 700}, {"ratio": 0.12, "rps": 500}, {"ratio": 0.16, "rps": 610}]
    assert run.median_run(runs) == {"ratio": 0.16, "rps": 610}
    assert run.median_run(runs[:2])["ratio"] == 0.12  # a tie of two is read pessimistically
    assert run.median_run(runs[:1])["ratio"] == 0.19
