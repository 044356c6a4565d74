"""`make bench`: generate a realistic volume on PostgreSQL, then measure every case against its floor.

    .venv/bin/python bench/run.py                    # (re)creates postgres://postgres@127.0.0.1:5432/filiere_bench
    DATABASE_URL=postgres://…/other .venv/bin/python bench/run.py
    BENCH_MILLION=0 .venv/bin/python bench/run.py    # without the 1,000,000-item count case (it takes ~1 minute)
    BENCH_KEEP=1 .venv/bin/python bench/run.py       # reuse the generated database of the previous run
    BENCH_KEEP=1 BENCH_CASES=dashboard,csv_export .venv/bin/python bench/run.py   # only these cases
    .venv/bin/python bench/run.py --data-only        # only (re)create the volume (used by `make loadtest`)

Prints a table (case, p50, p95, floor, ratio, target, pass/fail) and writes bench/results/latest.json.
Times vary with the machine's load (noted in the JSON); ratios to a floor measured in the same minute do not.
"""

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_bench")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/filiere_bench")
RESULTS = ROOT / "bench" / "results" / "latest.json"
if os.environ.get("BENCH_CASES"):  # a partial run does not replace the full run's results
    RESULTS = RESULTS.with_name("partial.json")


def database_recreate(url: str) -> None:
    """Drop and create the bench database (the server's `postgres` database is used to do it)."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    if not name.startswith(("filiere_bench", "bench")):
        raise SystemExit(f"Refus : la base « {name} » ne ressemble pas à une base de banc d'essai (filiere_bench…).")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    started = time.perf_counter()
    load_before = os.getloadavg()
    keep = os.environ.get("BENCH_KEEP") == "1"
    url = os.environ["DATABASE_URL"]
    print(f"Base de banc d'essai : {url}   (charge de la machine : {load_before[0]:.1f} {load_before[1]:.1f})")
    if not keep:
        database_recreate(url)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_bench"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    import django

    django.setup()
    from bench import cases, data, fixtures

    timings = {"migrate_s": round(time.perf_counter() - started, 1)}
    if keep and cases.STATE.exists():
        context = cases.context_load()
    else:
        step = time.perf_counter()
        print("Génération du volume (COPY)…")
        generated = data.generate(data.Volume())
        pairs = fixtures.create(generated["people"])
        data.vacuum_analyze()
        timings["generate_s"] = round(time.perf_counter() - step, 1)
        print(f"  fait en {timings['generate_s']} s")
        context = cases.context_save(generated, pairs)
    if "--data-only" in sys.argv:
        return 0

    results = []
    chosen = {name.strip() for name in os.environ.get("BENCH_CASES", "").split(",") if name.strip()}
    unknown = chosen - {case.__name__ for case in cases.ALL_CASES}
    if unknown:
        names = ", ".join(case.__name__ for case in cases.ALL_CASES)
        raise SystemExit(f"BENCH_CASES : cas inconnu(s) {', '.join(sorted(unknown))} (cas : {names})")
    for case in cases.ALL_CASES:
        if chosen and case.__name__ not in chosen:
            continue
        if case is cases.million_items and os.environ.get("BENCH_MILLION") == "0":
            results.append(cases.skipped("1 000 000 matériels : comptage", "BENCH_MILLION=0 l'a écarté"))
            continue
        step = time.perf_counter()
        print(f"→ {case.__doc__.splitlines()[0]}")
        try:
            produced = case(context)
        except Exception as exc:  # a case that breaks is reported, the others still run
            produced = [cases.failed(case.__name__, exc)]
        for row in produced:
            row.setdefault("duration_s", round(time.perf_counter() - step, 1))
            results.append(row)
            print("   " + cases.one_line(row))

    load_after = os.getloadavg()
    report = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": [round(value, 2) for value in load_before],
            "load_average_after": [round(value, 2) for value in load_after],
            "postgresql": cases.server_version(),
        },
        "volume": cases.volume_counts(),
        "timings": {**timings, "total_s": round(time.perf_counter() - started, 1)},
        "cases": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    print()
    print(cases.table(results))
    print(f"\nRésultats : {RESULTS.relative_to(ROOT)}   durée totale : {report['timings']['total_s']} s")
    failed = [row for row in results if row.get("passed") is False]
    print(f"{len(results) - len(failed)} cas sans échec, {len(failed)} en échec (voir docs/guides/performance.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
