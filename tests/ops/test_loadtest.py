"""`make loadtest` helpers (bench/loadtest.py): what keeps the measure sound when several runs share the machine."""

import os
import socket
import time

from bench import loadtest


def test_each_run_writes_its_sessions_script_apart():
    first = loadtest.rotating_cookies_script(["sessionid=a", "sessionid=b"])
    second = loadtest.rotating_cookies_script(["sessionid=c"])
    assert first != second
    script = open(first).read()
    assert '"sessionid=a", "sessionid=b"' in script and "sessionid=c" not in script


def test_free_ports_differ_and_can_be_bound():
    ports = loadtest.free_ports(2)
    assert len(set(ports)) == 2
    for port in ports:
        with socket.socket() as listener:
            listener.bind((loadtest.HOST, port))


def test_server_cpu_counts_the_process_work():
    before = loadtest.server_cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        pass
    assert loadtest.server_cpu_seconds(os.getpid()) - before >= 0.1


def test_best_round_keeps_the_fastest_and_sums_errors():
    runs = [
        {"requests_per_second": 100.0, "server_cpu_ms_per_request": 2.0, "non_2xx": 1, "raw": ""},
        {"requests_per_second": 150.0, "server_cpu_ms_per_request": 1.5, "non_2xx": 0, "raw": ""},
    ]
    best = loadtest.best_round(runs)
    assert best["requests_per_second"] == 150.0 and best["rounds_requests_per_second"] == [100.0, 150.0]
    assert best["server_cpu_ms_per_request"] == 1.5 and best["non_2xx"] == 1 and "raw" not in best


def test_the_ratio_pairs_each_round_with_the_bare_view_s_same_round():
    """A busy minute lowers both sides of its round; the best of each, compared, would pair two different minutes."""
    page = [30.0, 40.0, 100.0]  # the third round: a quiet minute for the page...
    bare = [100.0, 100.0, 400.0]  # ...and for the bare view too

    assert loadtest.paired_ratio(page, bare) == 0.3  # 0.30, 0.40, 0.25: the median
    assert max(page) / max(bare) == 0.25  # what comparing the best rounds said
    assert loadtest.paired_ratio([30.0, 40.0], [100.0, 100.0]) == 0.35
