"""The daily pull list (danh sách việc trong ngày): what to send, move on or bring back today.

- send: batches still a draft or packed whose planned dispatch is today or past;
- move on: batches at a point on a route whose stage's days are over, with a next stage;
- bring back: batches at a point past their planned return, or at the end of their route.

A batch on the road is never on the list: what is under way arrives first.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from libsys.extensions import db
from libsys.network.models import Library
from libsys.rotation.access import visible_batches
from libsys.rotation.models import RotationBatch, RotationBatchStop
from libsys.rotation.routes import current_stop, next_stage, stage_ends

ACTIONS = ("send", "move_on", "bring_back")


@dataclass
class PullEntry:
    """One batch to act on today: what to do, since when, and where its copies go."""

    action: str
    batch: RotationBatch
    due: date
    # Where the copies go: the point (send), the next stage's point, or home.
    to: Library
    stop: RotationBatchStop | None = None

    def days_late(self, today: date) -> int:
        """Days since the action fell due (0: today)."""
        return (today - self.due).days


def _batches(user, library: Library | None, *states: str):
    statement = visible_batches(user) if user is not None else select(RotationBatch)
    statement = statement.where(RotationBatch.state.in_(states))
    if library is not None:
        statement = statement.where(
            or_(RotationBatch.library_id == library.id, RotationBatch.point_id == library.id)
        )
    return statement


def pull_list(today: date, user=None, library: Library | None = None) -> dict[str, list]:
    """Today's work, by action, the longest due first (`user` None: every batch, for the
    command line; `library` a library's or point's batches only)."""
    entries: dict[str, list[PullEntry]] = {action: [] for action in ACTIONS}
    to_send = _batches(user, library, "draft", "packed").where(
        RotationBatch.planned_dispatch.is_not(None), RotationBatch.planned_dispatch <= today
    )
    for batch in db.session.scalars(to_send):
        entries["send"].append(PullEntry("send", batch, batch.planned_dispatch, batch.point))
    for batch in db.session.scalars(_batches(user, library, "at_point")):
        stop = current_stop(batch)
        ends = stage_ends(batch, stop) if stop is not None else None
        if ends is not None and ends <= today:
            stage = next_stage(stop)
            if stage is not None:
                entries["move_on"].append(PullEntry("move_on", batch, ends, stage.point, stop))
            else:
                entries["bring_back"].append(
                    PullEntry("bring_back", batch, ends, batch.library, stop)
                )
        elif batch.planned_return <= today:
            entries["bring_back"].append(
                PullEntry("bring_back", batch, batch.planned_return, batch.library, stop)
            )
    for found in entries.values():
        found.sort(key=lambda entry: (entry.due, entry.batch.id))
    return entries


def pull_list_json(entries: dict[str, list], today: date) -> dict:
    """The pull list as the API and `libsys rotation pull-list --json` show it."""

    def entry_json(entry: PullEntry) -> dict:
        batch = entry.batch
        return {
            "batch": batch.id,
            "reference": batch.reference,
            "state": batch.state,
            "library": batch.library.code,
            "point": batch.point.code,
            "to": entry.to.code,
            "due": entry.due.isoformat(),
            "days_late": entry.days_late(today),
            "copies": [
                {
                    "item": line.item.barcode,
                    "call_number": line.item.call_number,
                    "title": line.item.record.title,
                    "received": line.received,
                }
                for line in batch.lines
            ],
        }

    return {
        "date": today.isoformat(),
        **{action: [entry_json(e) for e in found] for action, found in entries.items()},
    }
