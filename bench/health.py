"""Benchmark: what a load balancer's health checks cost, at 50,000 people.

    .venv/bin/python bench/health.py              # 50,000 people (make bench-health)
    BENCH_QUICK=1 .venv/bin/python bench/health.py   # 2,000 people

On the benchmark database (bench/common.py), in this process, as in production: asks
/health/live and /health/ready REPEAT times each, one at a time, and prints the median and
the 95th percentile of the server's time, and the SQL queries of one answer. The
readiness answer requires the worker and the scheduler, whose heartbeats are written
fresh first, so every check is asked. The last line:
`health: live P50 ms, ready P50 ms (p95 P95 ms, Q queries)`.
"""

import os
import statistics
import time

from common import counted_into, open_in_process

QUICK = os.environ.get("BENCH_QUICK") == "1"
PEOPLE = 2_000 if QUICK else 50_000
REPEAT = 500


def main() -> None:
    open_in_process(PEOPLE, "/health/live and /health/ready", REPEAT)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from samtale.core.models import ProcessBeat

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.SAMTALE_READY_REQUIRES = ["worker", "scheduler"]
    now = timezone.now()
    for process in ("worker", "scheduler"):
        ProcessBeat.objects.update_or_create(
            process=process,
            host="bench",
            pid=0,
            defaults={"started_at": now, "beat_at": now + timezone.timedelta(hours=1)},
        )
    client = Client()
    figures = {}
    try:
        for path in ("/health/live", "/health/ready"):
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code, answer.content)
            queries = []
            with connection.execute_wrapper(counted_into(queries)):
                client.get(path)
            times = []
            for _ in range(REPEAT):
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            figures[path] = (
                statistics.median(times),
                times[int(len(times) * 0.95)],
                len(queries),
            )
            print(
                f"{path:<15} median {figures[path][0]:.2f} ms, p95 {figures[path][1]:.2f} ms, "
                f"{len(queries)} queries"
            )
    finally:
        ProcessBeat.objects.filter(host="bench").delete()
    live, ready = figures["/health/live"], figures["/health/ready"]
    print(
        f"health: live {live[0]:.2f} ms, ready {ready[0]:.2f} ms "
        f"(p95 {ready[1]:.2f} ms, {ready[2]} queries)"
    )


if __name__ == "__main__":
    main()
