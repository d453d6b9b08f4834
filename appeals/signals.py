"""Signals the appeals send to the apps above them.

``appeals_changed`` is sent inside the transaction of every review service that changed an
appeal's status, with the ids of the cases whose appeals changed (their rows already locked by
the service). incidents connects to it to recompute the case status from its appeals in that same
transaction (architecture.md: a case's status follows from its appeals); appeals never imports
incidents (the app layers).
"""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: case_ids (a sorted list of ints), actor (a User or None).
appeals_changed = Signal()
