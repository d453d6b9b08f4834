"""gunicorn settings for the web container (docker-compose.yml, Dockerfile)."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = 60
accesslog = "-"
# The path without its query string: a search query may hold a student's name, and names never
# go to logs. (%(r)s and %(q)s would log it.)
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
