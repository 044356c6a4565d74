"""`make loadtest`: requests per second of the household list page (logged in) against a bare Django view, both
served by gunicorn as in production (config/gunicorn.conf.py, DEBUG off, WhiteNoise, PostgreSQL), measured by wrk
from another process on the loopback. Bounded: each run lasts DURATION seconds with CONNECTIONS connections, to
127.0.0.1 only. Target: household list / bare view ≥ 0.25.

Uses the bench database (`make bench` fills it; generated here first when missing).
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_bench")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/filiere_bench")
HOST, PORT = "127.0.0.1", int(os.environ.get("LOADTEST_PORT", "8765"))
DURATION = int(os.environ.get("LOADTEST_SECONDS", "15"))
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


def session_cookies(count: int) -> list[str]:
    """Logged-in sessions of `count` prescribers (structures of 1,250 households each): one per wrk connection,
    as that many people browsing (one shared session would queue every request on its row's update)."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    cookies = []
    for user in User.objects.filter(username__startswith="bench-prescripteur-").order_by("username")[:count]:
        client = Client()
        client.force_login(user)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies


def rotating_cookies_script(cookies: list[str]) -> str:
    """A wrk Lua script: each request carries the next session cookie in turn."""
    listed = ", ".join(f'"{cookie}"' for cookie in cookies)
    script = RESULTS.parent / "loadtest-sessions.lua"
    script.parent.mkdir(parents=True, exist_ok=True)
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


@contextmanager
def gunicorn(env: dict):
    """gunicorn as `make serve` runs it (config/gunicorn.conf.py), on the loopback, stopped by its pid."""
    server = subprocess.Popen(  # noqa: S603 — our own gunicorn, arguments fixed here
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"], cwd=ROOT, env=env
    )
    try:
        wait_until_up(f"http://{HOST}:{PORT}/__bench__/bare/")
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def wrk(url: str, script: str | None = None) -> dict:
    threads = str(min(2, CONNECTIONS))
    command = ["wrk", "-t", threads, "-c", str(CONNECTIONS), "-d", f"{DURATION}s", "--timeout", "10s", "--latency"]
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
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "raw": output,
    }


def main() -> int:
    if not bench_database_ready():
        print("Base de banc d'essai absente : génération (bench/run.py, données seulement)…")
        subprocess.run([sys.executable, "bench/run.py", "--data-only"], cwd=ROOT, check=True)
    sessions = rotating_cookies_script(session_cookies(CONNECTIONS))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_bench",
        "GUNICORN_BIND": f"{HOST}:{PORT}",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    base = f"http://{HOST}:{PORT}"
    load_before = os.getloadavg()
    with gunicorn(env):
        households = wrk(f"{base}/foyers/", sessions)
        bare = wrk(f"{base}/__bench__/bare/")
    # The same bare view with no middleware at all: what the full stack costs over HTTP.
    with gunicorn({**env, "BENCH_MIDDLEWARE": "none"}):
        no_middleware = wrk(f"{base}/__bench__/bare/")
    load_after = os.getloadavg()
    ratio = households["requests_per_second"] / bare["requests_per_second"]
    middleware_ratio = no_middleware["requests_per_second"] / bare["requests_per_second"]
    workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() * 2 + 1))
    report = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "setup": {
            "server": f"gunicorn, {workers} workers sync, DEBUG off, WhiteNoise, PostgreSQL",
            "client": (
                f"wrk, 2 threads, {CONNECTIONS} connections, {DURATION} s per URL, 127.0.0.1; "
                f"household list: {CONNECTIONS} prescribers' sessions in turn"
            ),
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": load_after,
        },
        "household_list": {key: value for key, value in households.items() if key != "raw"},
        "bare_view": {key: value for key, value in bare.items() if key != "raw"},
        "ratio": round(ratio, 3),
        "target": f"≥ {TARGET}",
        "passed": ratio >= TARGET and households["non_2xx"] == 0,
        "bare_view_without_middleware": {key: value for key, value in no_middleware.items() if key != "raw"},
        "middleware_cost_ratio": round(middleware_ratio, 3),
        "middleware_target": "≤ 1.3 (time per request, full stack / no middleware)",
        "middleware_passed": middleware_ratio <= 1.3,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"Liste des foyers (connecté) : {households['requests_per_second']:.0f} requêtes/s")
    print(f"Vue nue                     : {bare['requests_per_second']:.0f} requêtes/s")
    print(f"Ratio : {ratio:.2f} (objectif ≥ {TARGET}) → {'OK' if report['passed'] else 'ÉCHEC'}")
    print(f"Vue nue sans middleware     : {no_middleware['requests_per_second']:.0f} requêtes/s")
    verdict = "OK" if report["middleware_passed"] else "ÉCHEC"
    print(f"Coût de la pile de middlewares : ×{middleware_ratio:.2f} par requête (objectif ≤ 1.3) → {verdict}")
    if households["non_2xx"]:
        print(f"Attention : {households['non_2xx']} réponses en erreur sur la liste des foyers.")
    print(f"Résultats : {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
