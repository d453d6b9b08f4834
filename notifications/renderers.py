"""Emails whose body is written only when the worker sends them.

Some emails carry a secret, such as a one-time password link, that must never sit in the
outbox table. Their row holds a ``kind`` and a small ``payload`` of ids instead of a body; the
app that owns the kind registers a renderer here (in its ``AppConfig.ready``), and the worker
calls it at sending time. This keeps the layers one-way: notifications knows kinds by name,
never the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# A renderer turns the payload into the body, or raises NotificationNotNeeded.
Renderer = Callable[[Mapping[str, Any]], str]

_renderers: dict[str, Renderer] = {}


class NotificationNotNeeded(Exception):
    """The email no longer makes sense (its account is gone or deactivated): do not send it."""


def register_renderer(kind: str, renderer: Renderer) -> None:
    existing = _renderers.get(kind)
    if existing is not None and existing is not renderer:
        raise ValueError(f"A renderer for notification kind {kind!r} is already registered.")
    _renderers[kind] = renderer


def is_registered(kind: str) -> bool:
    return kind in _renderers


def render_body(kind: str, payload: Mapping[str, Any]) -> str:
    try:
        renderer = _renderers[kind]
    except KeyError:
        raise LookupError(f"No renderer is registered for notification kind {kind!r}.") from None
    return renderer(payload)
