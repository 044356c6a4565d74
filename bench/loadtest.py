"""`make loadtest`: requests per second of the list pages (signed in) against the signed-in bare view, all served by
one gunicorn as in production (config/gunicorn.conf.py, DEBUG off, WhiteNoise, PostgreSQL, persistent connections),
measured by wrk from another process on the loopback. Target: each list ≥ 0.3 × the signed-in bare view's
throughput, measured in the same run with the same sessions.

The floor of a signed-in page is the bare view through the same middleware with the same sessions: reading the
session, the account and its second factor is work every signed-in page must do. Measured: the household list
with CONNECTIONS prescribers' sessions in turn, the equipment list filtered and searched with CONNECTIONS
technicians' sessions, and the bare view with each set of sessions. For information only: the bare view anonymous
and, on a second gunicorn, with no middleware at all (what the stack costs). The machine may be shared: the measures
alternate over ROUNDS rounds (servers stay up): requests per second are those of each measure's best round, and
each ratio is the median over the rounds of the list's throughput to the bare view's in the same round, so that a
burst of someone else's work does not land on one side of a ratio only. Bounded: ROUNDS × DURATION seconds per
measure, CONNECTIONS connections, 127.0.0.1 only.

Before and after measuring, every session is checked to be signed in and to see a page of rows.
Uses the bench database (`make bench` fills it; generated here first when missing).
"""

import json
import os
import re
import signal
import socket
import statistics
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
TARGET = 0.3


def bench_database_ready() -> bool:
    import psycopg

    try:
        with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
            return connection.execute("SELECT count(*) FROM beneficiaries_household").fetchone()[0] > 10_000
    except psycopg.Error:
        return False


def _cookie(user) -> str:
    """A signed-in session of `user`, second factor passed when the account needs one (as after a real login)."""
    from django.conf import settings

    from bench.cases import client_for

    client = client_for(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def session_cookies(count: int) -> list[tuple[str, int]]:
    """Logged-in sessions of `count` prescribers (structures of 1,250 households each), with the number of
    households each may see: one session per wrk connection, as that many people browsing."""
    import django

    django.setup()
    from accounts.models import User
    from beneficiaries.models import Household

    sessions = []
    for user in User.objects.filter(username__startswith="bench-prescripteur-").order_by("username")[:count]:
        sessions.append((_cookie(user), Household.objects.filter(structure=user.organisation_id).count()))
    return sessions


def technician_cookies(count: int) -> list[str]:
    """`count` sessions of the bench's technician (each signed in on its own, as that many browsers)."""
    import django

    django.setup()
    from accounts.models import User

    technician = User.objects.get(username="bench-technicien")
    return [_cookie(technician) for _ in range(count)]


def check_rows(url: str, cookies: list[str], minimum: int = 20) -> int:
    """Each session must be signed in (no redirection to the login page) and see a page of at least `minimum`
    rows: otherwise wrk would measure a redirect or an empty list. Returns the fewest rows seen."""
    rows = set()
    for cookie in cookies:
        request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 — loopback URL built here
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 — loopback URL built here
            html = response.read().decode()
            if response.status != 200 or response.url != url:
                raise SystemExit(f"Session non connectée : {response.status} {response.url}")
        body = html.partition("<tbody")[2].partition("</tbody>")[0]
        rows.add(body.count("<tr"))
    if min(rows) < minimum:
        raise SystemExit(f"Liste trop petite pour mesurer : {min(rows)} lignes sur {url}")
    return min(rows)


def check_sessions(url: str, sessions: list[tuple[str, int]]) -> int:
    """Prescribers' sessions: signed in, each seeing a full page of its structure's households (1,000 or more)."""
    if min(households for _, households in sessions) < 1000:
        raise SystemExit("Structures trop petites pour mesurer la liste des foyers.")
    return check_rows(url, [cookie for cookie, _ in sessions])


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


# The list pages whose throughput counts: (case, whose sessions, URL). Each is compared with the bare view through
# the same stack, with the same sessions.
HTTP_LISTS = [
    ("liste des foyers (prescripteur)", "prescribers", "/foyers/"),
    ("liste matériel filtrée (technicien)", "technicians", "/materiel/?status=refurbished&category=screen"),
    ("liste matériel, recherche par modèle (technicien)", "technicians", "/materiel/?q=ProDesk"),
]
BARE = "/__bench__/bare/"


def round_ratios(page_rounds: list[float], bare_rounds: list[float]) -> list[float]:
    """The list's throughput divided by the bare view's, round by round (the two measured seconds apart)."""
    return [page / bare for page, bare in zip(page_rounds, bare_rounds, strict=True)]


def paired_ratio(page_rounds: list[float], bare_rounds: list[float]) -> float:
    """The median, over the rounds, of the list's throughput divided by the bare view's in the same round.

    Within a round the two are measured seconds apart, under the same load from the rest of the machine; the best
    round of each, compared with each other, could come from a quiet minute for one and a busy one for the other
    (0.29 to 0.38 for the same code from one run to the next)."""
    return statistics.median(round_ratios(page_rounds, bare_rounds))


def cpu_ratio(numerator: dict, denominator: dict) -> float | None:
    """Ratio of gunicorn's CPU per request (PostgreSQL's own CPU is not counted)."""
    if numerator["server_cpu_ms_per_request"] and denominator["server_cpu_ms_per_request"]:
        return round(numerator["server_cpu_ms_per_request"] / denominator["server_cpu_ms_per_request"], 3)
    return None


def lists_vs_bare(rounds: int = ROUNDS, seconds: int = DURATION, *, information: bool = False) -> dict:
    """Every list of HTTP_LISTS and the signed-in bare view with the same sessions, on one gunicorn, rounds
    alternated; with `information`, also the anonymous bare view and the bare view with no middleware (a second
    gunicorn). The schema and static files must be those of the code measured (main() sees to it)."""
    from django.conf import settings

    prescribers = session_cookies(CONNECTIONS)
    cookies = {"prescribers": [cookie for cookie, _ in prescribers], "technicians": technician_cookies(CONNECTIONS)}
    scripts = {who: rotating_cookies_script(values) for who, values in cookies.items()}
    env = server_env()
    port, bare_port = (PORT, PORT + 1) if PORT else free_ports(2)
    base, bare_base = f"http://{HOST}:{port}", f"http://{HOST}:{bare_port}"
    load_before = os.getloadavg()
    with (
        gunicorn(env, port) as server,
        gunicorn({**env, "BENCH_MIDDLEWARE": "none"}, bare_port) if information else _no_server() as bare_server,
    ):

        def check() -> int:
            rows = check_sessions(f"{base}/foyers/", prescribers)
            for _case, who, path in HTTP_LISTS[1:]:
                rows = min(rows, check_rows(f"{base}{path}", cookies[who]))
            return rows

        rows = check()
        measures = {f"bare_{who}": (f"{base}{BARE}", script, server.pid) for who, script in scripts.items()}
        measures.update({case: (f"{base}{path}", scripts[who], server.pid) for case, who, path in HTTP_LISTS})
        if information:
            measures["bare_view_anonymous"] = (f"{base}{BARE}", None, server.pid)
            measures["bare_view_without_middleware"] = (f"{bare_base}{BARE}", None, bare_server.pid)
        best = measure(measures, rounds, seconds)
        check()  # still signed in at the end: no redirection was measured
    lists = []
    for case, who, path in HTTP_LISTS:
        page, bare = best[case], best[f"bare_{who}"]
        per_round = round_ratios(page["rounds_requests_per_second"], bare["rounds_requests_per_second"])
        ratio = statistics.median(per_round)
        lists.append(
            {
                "case": case,
                "path": path,
                "requests_per_second": page["requests_per_second"],
                "bare_requests_per_second": bare["requests_per_second"],
                "ratio": round(ratio, 3),
                "round_ratios": [round(value, 2) for value in per_round],
                "ratio_server_cpu": cpu_ratio(bare, page),  # bare view's CPU per request / the list's
                "passed": ratio >= TARGET and page["non_2xx"] == 0 and bare["non_2xx"] == 0,
                "page": page,
            }
        )
    workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() * 2 + 1))
    return {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "setup": {
            "server": (
                f"gunicorn, {workers} workers sync, DEBUG off, WhiteNoise, PostgreSQL "
                f"(CONN_MAX_AGE {settings.DATABASES['default']['CONN_MAX_AGE']} s)"
            ),
            "client": (
                f"wrk {CONNECTIONS} connexions, {rounds} manches de {seconds} s alternées (débit : meilleure manche ; "
                "ratio : médiane des manches) ; "
                f"{CONNECTIONS} sessions en alternance ({rows} lignes par page au moins)"
            ),
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "target": f"≥ {TARGET} × vue nue connectée (mêmes sessions)",
        "lists": lists,
        "passed": all(measured["passed"] for measured in lists),
        "bare_view_signed_in": {who: best[f"bare_{who}"] for who in scripts},
        **({key: best[key] for key in ("bare_view_anonymous", "bare_view_without_middleware")} if information else {}),
    }


@contextmanager
def _no_server():
    yield None


def main() -> int:
    if not bench_database_ready():
        print("Base de banc d'essai absente : génération (bench/run.py, données seulement)…")
        subprocess.run([sys.executable, "bench/run.py", "--data-only"], cwd=ROOT, check=True)
    env = server_env()
    # The schema of the code being measured (a new migration may add a column the page reads), then its static files.
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command, "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    report = lists_vs_bare(information=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    for who, measured in report["bare_view_signed_in"].items():
        print(
            f"{'Vue nue, connecté (' + who + ')':52s}: {measured['requests_per_second']:5.0f} requêtes/s, "
            f"CPU de gunicorn {measured['server_cpu_ms_per_request']} ms par requête"
        )
    for measured in report["lists"]:
        verdict = "OK" if measured["passed"] else "ÉCHEC"
        print(
            f"{measured['case']:52s}: {measured['requests_per_second']:5.0f} requêtes/s, "
            f"ratio {measured['ratio']:.2f} (objectif ≥ {TARGET}) → {verdict} ; "
            f"en CPU de gunicorn {measured['ratio_server_cpu']}"
        )
    anonymous, none = report["bare_view_anonymous"], report["bare_view_without_middleware"]
    print(
        f"Pour information : vue nue anonyme {anonymous['requests_per_second']:.0f} requêtes/s, "
        f"sans middleware {none['requests_per_second']:.0f} requêtes/s "
        f"(coût de la pile ×{none['requests_per_second'] / anonymous['requests_per_second']:.2f} par requête)"
    )
    print(f"Résultats : {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
