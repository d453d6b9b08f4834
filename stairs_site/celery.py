"""The Celery application: Redis as broker and result store, tasks found in each app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stairs_site.settings")

app = Celery("stairs")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
