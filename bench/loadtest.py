"""`make loadtest`: requests per second of the household list page (logged in) against a bare Django view, both
served by gunicorn as in production (config/gunicorn.conf.py, DEBUG off, WhiteNoise, PostgreSQL, persistent
connections), measured by wrk from another process on the loopback. Target: household list / bare view ≥ 0.25.

Four measures, each through gunicorn: the household list with CONNECTIONS prescribers' sessions in turn; the bare
view through the full middleware stack, anonymous (the floor of the target) and with the same signed-in sessions
(session and account read: the fixed cost of any signed-in page); the bare view with no middleware at all (a second
gunicorn, the floor of the middleware case: full stack / none ≤ 1.3 in time per request). The machine may be shared:
the four measures alternate over ROUNDS rounds (both servers stay up) and the best round of each is kept, so that a
burst of someone else's work does not land on one measure only. Bounded: ROUNDS × DURATION seconds per measure,
CONNECTIONS connections, 127.0.0.1 only.

Before measuring, every session is checked to be signed in and to see its own households (a page of rows).
Uses the bench database (`make bench` fills it; generated here first when missing).
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_bench")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/filiere_bench")
HOST, PORT = "127.0.0.1", int(os.environ.get("LOADTEST_PORT", "0"))  # 0: free ports (helpers may run side by side)
DURATION = int(os.environ.get("LOADTEST_SECONDS", "5"))
ROUNDS = int(os.environ.get("LOADTEST_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("LOADTEST_CONNECTIONS", "8"))
RESULTS = ROOT / "bench" / "results" / "loadtest.json"
TARGET = 0.25


def bench_database_ready() -> bool:
    import psycopg

    try:
        with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
            return connection.execute("SELECT count(*) FROM beneficiaries_household").fetchone()[0] > 10_000
    except psycopg.Error:
        return False


def session_cookies(count: int) -> list[tuple[str, int]]:
    """Logged-in sessions of `count` prescribers (structures of 1,250 households each), with the number of
    households each may see: one session per wrk connection, as that many people browsing."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from beneficiaries.models import Household

    sessions = []
    for user in User.objects.filter(username__startswith="bench-prescripteur-").order_by("username")[:count]:
        client = Client()
        client.force_login(user)
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        sessions.append((cookie, Household.objects.filter(structure=user.organisation_id).count()))
    return sessions


def check_sessions(url: str, sessions: list[tuple[str, int]]) -> int:
    """Each session must be signed in (no redirection to the login page) and see a full page of its households:
    otherwise wrk would measure a redirect or an empty list. Returns the rows on the first page."""
    rows = set()
    for cookie, households in sessions:
        request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 — loopback URL built here
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 — loopback URL built here
            html = response.read().decode()
            if response.status != 200 or response.url != url:
                raise SystemExit(f"Session non connectée : {response.status} {response.url}")
        body = html.partition("<tbody")[2].partition("</tbody>")[0]
        rows.add(body.count("<tr"))
        if households < 1000 or min(rows) < 20:
            raise SystemExit(f"Liste des foyers trop petite pour mesurer : {households} foyers, {min(rows)} lignes")
    return min(rows)


def rotating_cookies_script(cookies: list[str]) -> str:
    """A wrk Lua script: each request carries the next session cookie in turn. In a directory of its own: another
    run on another database must not hand us its cookies (a redirection to the login page would count as a 3xx)."""
    listed = ", ".join(f'"{cookie}"' for cookie in cookies)
    script = Path(tempfile.mkdtemp(prefix="filiere-loadtest-")) / "sessions.lua"
    script.write_text(
        f"local cookies = {{{listed}}}\nlocal n = 0\n"
        "request = function()\n  n = n + 1\n"
        '  return wrk.format(nil, nil, {["Cookie"] = cookies[(n % #cookies) + 1]})\nend\n'
    )
    return str(script)


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 — loopback URL built here
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn ne répond pas sur {url}")


def server_cpu_seconds(master_pid: int) -> float:
    """CPU time (user + system) spent so far by a gunicorn: its master, its live workers and the workers it has
    already reaped (recycled after max_requests). Unlike requests per second, it does not drop when someone
    else's work takes the machine's cores."""
    tick = os.sysconf("SC_CLK_TCK")

    def fields(pid: int) -> list[str]:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()

    master = fields(master_pid)
    total = sum(int(value) for value in master[11:15])  # utime, stime, cutime, cstime of the master
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                worker = fields(int(entry.name))
            except OSError:  # gone meanwhile
                continue
            if int(worker[1]) == master_pid:  # ppid
                total += int(worker[11]) + int(worker[12])
    return total / tick


def free_ports(count: int) -> list[int]:
    """Ports free on the loopback right now (held open together, so that they differ)."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind((HOST, 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


@contextmanager
def gunicorn(env: dict, port: int):
    """gunicorn as `make serve` runs it (config/gunicorn.conf.py), on the loopback, stopped by its pid."""
    server = subprocess.Popen(  # noqa: S603 — our own gunicorn, arguments fixed here
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"{HOST}:{port}"},
    )
    try:
        wait_until_up(f"http://{HOST}:{port}/__bench__/bare/")
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def wrk(url: str, script: str | None = None, seconds: int = DURATION, server: int | None = None) -> dict:
    """One wrk run; with the gunicorn master's pid, also the server's CPU time per request."""
    cpu_before = server_cpu_seconds(server) if server else None
    threads = str(min(2, CONNECTIONS))
    command = ["wrk", "-t", threads, "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--timeout", "10s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    latency = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    p50_ms = float(latency.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[latency.group(2)] if latency else None
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_second": rps,
        "requests": requests,
        "latency_p50_ms": p50_ms,
        "server_cpu_ms_per_request": (
            round((server_cpu_seconds(server) - cpu_before) * 1000 / requests, 3) if server and requests else None
        ),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "raw": output,
    }


def best_round(runs: list[dict]) -> dict:
    """The round with the most requests per second (the least disturbed by the rest of the machine), with every
    round's figure beside it; errors are summed over all rounds."""
    best = max(runs, key=lambda run: run["requests_per_second"])
    cpu = [run["server_cpu_ms_per_request"] for run in runs if run["server_cpu_ms_per_request"] is not None]
    return {
        **{key: value for key, value in best.items() if key != "raw"},
        "rounds_requests_per_second": [run["requests_per_second"] for run in runs],
        "server_cpu_ms_per_request": min(cpu) if cpu else None,
        "non_2xx": sum(run["non_2xx"] for run in runs),
    }


def measure(measures: dict[str, tuple], rounds: int = ROUNDS, seconds: int = DURATION) -> dict:
    """wrk on each (url, script, gunicorn master pid) in turn, `rounds` times: the best round of each measure."""
    runs = {name: [] for name in measures}
    for _ in range(rounds):
        for name, (url, script, server) in measures.items():
            runs[name].append(wrk(url, script, seconds, server))
    return {name: best_round(name_runs) for name, name_runs in runs.items()}


def server_env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_bench",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "GUNICORN_LOG_LEVEL": "warning",
    }


def main() -> int:
    if not bench_database_ready():
        print("Base de banc d'essai absente : génération (bench/run.py, données seulement)…")
        subprocess.run([sys.executable, "bench/run.py", "--data-only"], cwd=ROOT, check=True)
    sessions = session_cookies(CONNECTIONS)
    script = rotating_cookies_script([cookie for cookie, _ in sessions])
    env = server_env()
    # The schema of the code being measured (a new migration may add a column the page reads), then its static files.
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command, "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    from django.conf import settings

    port, bare_port = (PORT, PORT + 1) if PORT else free_ports(2)
    base, bare_base = f"http://{HOST}:{port}", f"http://{HOST}:{bare_port}"
    load_before = os.getloadavg()
    # The same bare view with no middleware at all, on a second gunicorn: what the full stack costs over HTTP.
    with gunicorn(env, port) as server, gunicorn({**env, "BENCH_MIDDLEWARE": "none"}, bare_port) as bare_server:
        rows = check_sessions(f"{base}/foyers/", sessions)
        measures = {
            "household_list": (f"{base}/foyers/", script, server.pid),
            "bare_view": (f"{base}/__bench__/bare/", None, server.pid),
            "bare_view_signed_in": (f"{base}/__bench__/bare/", script, server.pid),
            "bare_view_without_middleware": (f"{bare_base}/__bench__/bare/", None, bare_server.pid),
        }
        best = measure(measures)
        check_sessions(f"{base}/foyers/", sessions)  # still signed in at the end: no redirection was measured
    load_after = os.getloadavg()
    households, bare, signed_in, no_middleware = (best[name] for name in measures)
    ratio = households["requests_per_second"] / bare["requests_per_second"]
    middleware_ratio = no_middleware["requests_per_second"] / bare["requests_per_second"]

    def cpu_ratio(numerator: dict, denominator: dict) -> float | None:
        """Ratio of gunicorn's CPU per request (PostgreSQL's own CPU is not counted)."""
        if numerator["server_cpu_ms_per_request"] and denominator["server_cpu_ms_per_request"]:
            return round(numerator["server_cpu_ms_per_request"] / denominator["server_cpu_ms_per_request"], 3)
        return None

    workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() * 2 + 1))
    report = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "setup": {
            "server": (
                f"gunicorn, {workers} workers sync, DEBUG off, WhiteNoise, PostgreSQL "
                f"(CONN_MAX_AGE {settings.DATABASES['default']['CONN_MAX_AGE']} s)"
            ),
            "client": (
                f"wrk, 2 threads, {CONNECTIONS} connections, 127.0.0.1, {ROUNDS} rounds of {DURATION} s per measure, "
                f"measures alternated, best round kept; signed in: {CONNECTIONS} prescribers' sessions in turn "
                f"({min(households for _, households in sessions)} households each, {rows} rows per page)"
            ),
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": load_after,
        },
        "household_list": households,
        "bare_view": bare,
        "ratio": round(ratio, 3),
        "ratio_server_cpu": cpu_ratio(bare, households),  # bare view's CPU per request / household list's
        "target": f"≥ {TARGET}",
        "passed": ratio >= TARGET and households["non_2xx"] == 0,
        "bare_view_signed_in": signed_in,
        "signed_in_ratio": round(signed_in["requests_per_second"] / bare["requests_per_second"], 3),
        "bare_view_without_middleware": no_middleware,
        "middleware_cost_ratio": round(middleware_ratio, 3),
        "middleware_cost_ratio_server_cpu": cpu_ratio(bare, no_middleware),
        "middleware_target": "≤ 1.3 (time per request, full stack / no middleware)",
        "middleware_passed": middleware_ratio <= 1.3,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    for label, measured in (
        ("Liste des foyers (connecté)", households),
        ("Vue nue", bare),
        ("Vue nue, connecté", signed_in),
        ("Vue nue sans middleware", no_middleware),
    ):
        print(
            f"{label:28s}: {measured['requests_per_second']:5.0f} requêtes/s, "
            f"CPU de gunicorn {measured['server_cpu_ms_per_request']} ms par requête"
        )
    print(f"Ratio : {ratio:.2f} (objectif ≥ {TARGET}) → {'OK' if report['passed'] else 'ÉCHEC'}")
    print(f"   en CPU de gunicorn par requête (sans celui de PostgreSQL) : {report['ratio_server_cpu']}")
    verdict = "OK" if report["middleware_passed"] else "ÉCHEC"
    print(f"Coût de la pile de middlewares : ×{middleware_ratio:.2f} par requête (objectif ≤ 1.3) → {verdict}")
    print(f"   en CPU de gunicorn par requête : ×{report['middleware_cost_ratio_server_cpu']}")
    for name in ("household_list", "bare_view_signed_in"):
        if best[name]["non_2xx"]:
            print(f"Attention : {best[name]['non_2xx']} réponses en erreur ({name}).")
    print(f"Résultats : {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
