"""Insert-or-update of records keyed on a stable field: shared by the seed loader and the
official-list importer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # left alone on purpose (e.g. edited by staff)


def upsert(
    session: Session,
    model: type[Any],
    key: str,
    rows: Iterable[Mapping[str, Any]],
    *,
    stamp: Mapping[str, Any] | None = None,
    existing: Mapping[Any, Any] | None = None,
    keep: Callable[[Any], bool] = lambda record: False,
) -> UpsertCounts:
    """Create the missing records and update the changed ones; `stamp` (e.g. updated_by)
    is written only where something was created or changed."""
    counts = UpsertCounts()
    if existing is None:
        existing = {getattr(r, key): r for r in session.scalars(select(model))}
    for values in rows:
        record = existing.get(values[key])
        if record is None:
            session.add(model(**values, **(stamp or {})))
            counts.created += 1
            continue
        if keep(record):
            counts.kept += 1
            continue
        changed = {k: v for k, v in values.items() if getattr(record, k) != v}
        if not changed:
            counts.unchanged += 1
            continue
        for name, value in {**changed, **(stamp or {})}.items():
            setattr(record, name, value)
        counts.updated += 1
    session.flush()
    return counts
