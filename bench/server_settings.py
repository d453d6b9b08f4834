"""Settings of the gunicorn that the HTTP benchmarks start: production's (stairs_site.settings,
DEBUG off, the manifest static files), plus what bench/server_app.py adds for the benchmarks: a
middleware that logs each request's query count and database time, and the bare-Django baseline
view. Not a benchmark itself: `make bench` runs bench/bench_*.py only.
"""

from stairs_site.settings import *  # noqa: F403
from stairs_site.settings import MIDDLEWARE

MIDDLEWARE = ["bench.server_app.QueryLogMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.server_app"
