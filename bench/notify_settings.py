"""Settings of bench/bench_notify.py's submitting process, Celery worker and beat: production's
(stairs_site.settings), with two changes that keep the bench database as generated while real
submissions commit to it:

- beat runs only the outbox's periodic tasks (``notifications.*``: the resend of unsent rows,
  and whatever else the outbox schedules); the appeals' and tests' sweeps would assign, mark
  overdue or expire the generated state's appeals and tests, which other benchmarks measure;
- the appeals' tasks (the assignment that a submission enqueues on commit) go to a queue that
  no worker reads, flushed with the benchmark's Redis database afterwards.

Not a benchmark itself: `make bench` runs bench/bench_*.py only.
"""

from stairs_site.settings import *  # noqa: F403
from stairs_site.settings import CELERY_BEAT_SCHEDULE as _SCHEDULE

PARKED_QUEUE = "bench-parked"

CELERY_BEAT_SCHEDULE = {
    name: entry for name, entry in _SCHEDULE.items() if entry["task"].startswith("notifications.")
}
CELERY_TASK_ROUTES = {"appeals.tasks.*": {"queue": PARKED_QUEUE}}
