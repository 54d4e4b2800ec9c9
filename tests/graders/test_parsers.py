"""The pure parsers: JUnit XML, Locust statistics, SLO verdicts, point weights."""

from __future__ import annotations

import pytest

from graders.model.assignment import Slo
from graders.model.junit import CaseOutcome, JunitUnreadable, read_junit
from graders.model.loadstats import (
    endpoint_figures,
    failure_kinds,
    judge,
    measured_duration,
    merge_failures,
    percentile,
)
from graders.model.scoring import weigh

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest">
<testcase classname="tests.test_api" name="test_ok" file="tests/test_api.py" time="0.1"/>
<testcase classname="tests.test_api.TestAuth" name="test_login" file="tests/test_api.py">
  <failure message="assert 401 == 200">E assert 401 == 200</failure></testcase>
<testcase classname="tests.test_api" name="test_skip" file="tests/test_api.py">
  <skipped message="later"/></testcase>
<testcase classname="test_hidden" name="test_hint" file="test_hidden.py">
  <properties><property name="hint" value="Owners only."/></properties>
  <error message="boom">Traceback</error></testcase>
</testsuite></testsuites>"""


def test_junit_cases_become_node_ids_with_outcomes_messages_and_hints(tmp_path):
    path = tmp_path / "junit.xml"
    path.write_text(JUNIT)
    assert read_junit(path) == [
        CaseOutcome("tests/test_api.py::test_ok", "passed", "", ""),
        CaseOutcome("tests/test_api.py::TestAuth::test_login", "failed", "E assert 401 == 200", ""),
        CaseOutcome("tests/test_api.py::test_skip", "skipped", "later", ""),
        CaseOutcome("test_hidden.py::test_hint", "error", "Traceback", "Owners only."),
    ]


def test_a_missing_or_broken_junit_file_is_reported(tmp_path):
    with pytest.raises(JunitUnreadable, match="not written"):
        read_junit(tmp_path / "junit.xml")
    (tmp_path / "junit.xml").write_text("<testsuites><oops")
    with pytest.raises(JunitUnreadable, match="not valid XML"):
        read_junit(tmp_path / "junit.xml")


def outcomes(*ids):
    return [CaseOutcome(i, "passed", "", "") for i in ids]


def test_equal_weights_share_the_points_among_counted_files_only():
    worth = weigh(
        outcomes("tests/a.py::t1", "tests/a.py::t2", "tests/mine.py::t3"),
        {},
        30,
        counted={"tests/a.py"},
    )
    assert worth == {"tests/a.py::t1": 15, "tests/a.py::t2": 15}


def test_explicit_weights_decide_which_tests_count_even_if_they_never_ran():
    worth = weigh(outcomes("tests/a.py::t1"), {"tests/a.py::t1": 1, "tests/a.py::gone": 3}, 40)
    assert worth == {"tests/a.py::t1": 10, "tests/a.py::gone": 30}


def test_percentiles_follow_locusts_rule():
    histogram = {10: 90, 100: 9, 1000: 1}
    assert percentile(histogram, 100, 0.50) == 10
    assert percentile(histogram, 100, 0.95) == 100
    assert percentile(histogram, 100, 0.99) == 1000  # Locust counts the boundary request in
    assert percentile(histogram, 100, 0.98) == 100
    assert percentile({}, 0, 0.95) == 0


ENTRIES = [
    {
        "name": "/tasks",
        "method": "GET",
        "num_requests": 100,
        "num_failures": 2,
        "response_times": {"10": 95, "300": 5},
        "start_time": 100.0,
        "last_request_timestamp": 110.0,
    },
    {
        "name": "/tasks",
        "method": "POST",
        "num_requests": 50,
        "num_failures": 0,
        "response_times": {"20": 50},
        "start_time": 101.0,
        "last_request_timestamp": 109.0,
    },
]


def test_endpoint_rows_are_sorted_with_an_aggregated_row_last():
    duration = measured_duration(ENTRIES, fallback=99)
    rows = endpoint_figures(ENTRIES, duration)
    assert duration == 10
    assert [r.endpoint for r in rows] == ["GET /tasks", "POST /tasks", "Aggregated"]
    get, _, aggregated = rows
    assert (get.rps, get.p50_ms, get.p95_ms, get.p99_ms, get.failures) == (10.0, 10, 300, 300, 2)
    assert (aggregated.requests, aggregated.rps) == (150, 15.0)


def test_an_slo_passes_or_fails_with_the_measured_figures_in_words():
    rows = endpoint_figures(ENTRIES, 10)
    met = judge(Slo(endpoint="POST /tasks", p95_ms=50), rows, points_per_weight=5)
    missed = judge(
        Slo(endpoint="GET /tasks", p99_ms=100, max_error_rate=0.01, weight=2),
        rows,
        points_per_weight=5,
    )
    absent = judge(Slo(endpoint="DELETE /tasks", p95_ms=50), rows, points_per_weight=5)
    assert (met.status, met.score, met.max_score) == ("passed", 5, 5)
    assert (missed.status, missed.score, missed.max_score) == ("failed", 0, 10)
    assert missed.message == "p99 300 ms > goal 100 ms; errors 2.0% > goal 1%"
    assert absent.status == "failed" and "no requests" in absent.message


# Locust 2.47's `--csv` failures table, as it wrote it for a locustfile that fails answers with
# `resp.failure(...)`, a 404 and a refused connection (the grader's pinned Locust; requests named
# as our locustfiles name them, without the method).
FAILURES_CSV = """\
Method,Name,Error,Occurrences,First Seen,Last Seen
GET,/nothere,LocustBadStatusCode(code=404),8,2026-12-02T22:23:28Z,2026-12-02T22:23:29Z
GET,/x,"CatchResponseError('booking 3 belongs to another user, with a comma')",4,\
2026-12-02T22:23:28Z,2026-12-02T22:23:29Z
GET,/refused,"ConnectionRefusedError(111, 'Connection refused')",8,\
2026-12-02T22:23:28Z,2026-12-02T22:23:29Z
"""


def test_failed_requests_are_told_in_the_locustfiles_words_commonest_first():
    assert [(f.endpoint, f.error, f.occurrences) for f in failure_kinds(FAILURES_CSV)] == [
        ("GET /nothere", "status 404", 8),
        ("GET /refused", "ConnectionRefusedError(111, 'Connection refused')", 8),
        ("GET /x", "booking 3 belongs to another user, with a comma", 4),
    ]


def test_failed_requests_keep_the_commonest_kinds_on_one_short_line_each():
    rows = [
        f"POST,/t,\"CatchResponseError('kind {n}\\nsecond line {'x' * 300}')\",{n},a,b"
        for n in range(1, 9)
    ]
    table = "Method,Name,Error,Occurrences,First Seen,Last Seen\n" + "\n".join(rows) + "\n"
    kept = failure_kinds(table)
    assert [f.occurrences for f in kept] == [8, 7, 6, 5, 4]
    assert all("\n" not in f.error and len(f.error) <= 200 for f in kept)
    assert kept[0].error.startswith("kind 8 second line xxx")


def test_rounds_failed_requests_add_up_by_endpoint_and_error():
    one = failure_kinds(FAILURES_CSV)
    merged = merge_failures([one, one[:1], []])
    assert [(f.error, f.occurrences) for f in merged] == [
        ("status 404", 16),
        ("ConnectionRefusedError(111, 'Connection refused')", 8),
        ("booking 3 belongs to another user, with a comma", 4),
    ]
    assert failure_kinds("") == [] and merge_failures([]) == []


@pytest.mark.parametrize(
    "said",
    [
        "' + __import__('os').system('touch /tmp/pwned') + '",
        "' + " + "(" * 400 + "1" + ")" * 400 + " + '",
        "\\x",
    ],
    ids=["code", "deep nesting", "bad escape"],
)
def test_a_failure_message_that_is_no_plain_literal_is_kept_as_written(said):
    table = "Method,Name,Error,Occurrences\n" + f"GET,/x,\"CatchResponseError('{said}')\",1\n"
    (kept,) = failure_kinds(table)
    assert kept.error == " ".join(said.split())[:200]
