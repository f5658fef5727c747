"""What an import tells: its summary, the rejections as CSV, and the preview of an upload."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from os import PathLike

from libsys.catalog.marc import (
    Rejected,
    describe,
    read_marc,
)
from libsys.catalog.marc.models import IMPORT_COUNTS
from libsys.core.spreadsheets import csv_safe

# Rejections, matches and copies not created kept in memory for the summary (all of them
# go to the CSV report).
KEPT_REJECTIONS = 1000
# A line of the report: a rejected record, a record matched to one already here, or a copy
# (an item field) not created; `outcome` says which, `record_id` and `barcode` complete it.
REPORT_COLUMNS = (
    "position",
    "offset",
    "control_number",
    "reason",
    "outcome",
    "record_id",
    "barcode",
)


# What each matching rule is called in the report.
MATCH_RULES = {
    "control_number": "control number (001/003)",
    "lccn": "LC control number (010)",
    "koha": "Koha biblionumber (999 $c)",
    "isbn": "ISBN",
    "fingerprint": "the same record (no identifier)",
    "title_author_year": "title, author, year and publisher (no identifier)",
}


@dataclass(slots=True)
class Match:
    """A record of the file taken for one already in the catalogue, and by what."""

    position: int
    control_number: str
    record_id: int
    rule: str  # control_number, lccn, koha, isbn, fingerprint, title_author_year
    value: str

    @property
    def reason(self) -> str:
        return f"matched record {self.record_id} by {MATCH_RULES[self.rule]}: {self.value}"

    def as_dict(self) -> dict:
        return {
            "position": self.position,
            "control_number": self.control_number,
            "record_id": self.record_id,
            "rule": self.rule,
            "value": self.value,
        }


@dataclass(slots=True)
class SkippedItem:
    """An item field of the file that did not become a copy, and why."""

    position: int
    control_number: str
    barcode: str
    library_code: str
    reason: str
    record_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "position": self.position,
            "control_number": self.control_number,
            "barcode": self.barcode,
            "library_code": self.library_code,
            "reason": self.reason,
            "record_id": self.record_id,
        }


@dataclass(slots=True)
class ImportSummary:
    """What an import did: counts, the rejections and where the time went."""

    read: int = 0
    created: int = 0
    matched: int = 0
    rejected: int = 0
    items_created: int = 0
    items_skipped: int = 0
    rejections: list[Rejected] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)  # the first KEPT_REJECTIONS
    skipped_items: list[SkippedItem] = field(default_factory=list)  # the first ones too
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    warnings: int = 0
    parse_seconds: float = 0.0
    database_seconds: float = 0.0
    commit_seconds: float = 0.0
    index_seconds: float = 0.0  # the search index's final write (bulk mode)
    created_ids: list[int] = field(default_factory=list)  # every record created, in order

    def as_dict(self) -> dict:
        """The counts an import job keeps (IMPORT_COUNTS)."""
        return {name: getattr(self, name) for name in IMPORT_COUNTS}

    def as_json(self) -> dict:
        """What the CLI prints with --json: the counts, the records created, the first
        matches (what each matched) and the copies not created with their reasons."""
        return {
            **self.as_dict(),
            "created_ids": list(self.created_ids),
            "matches": [match.as_dict() for match in self.matches],
            "skipped_items": [item.as_dict() for item in self.skipped_items],
        }


class ReportWriter:
    """CSV rows for rejected records: position, offset, control number, reason."""

    def __init__(self, target) -> None:
        self._owned = None
        if target is None:
            self._writer = None
            return
        if isinstance(target, str | PathLike):
            self._owned = open(target, "w", newline="", encoding="utf-8")  # noqa: SIM115
            stream = self._owned
        else:
            stream = target
        self._writer = csv.writer(stream)
        self._writer.writerow(REPORT_COLUMNS)

    def write(self, rejected: Rejected) -> None:
        if self._writer is not None:
            self._writer.writerow(
                [
                    rejected.position,
                    "" if rejected.offset is None else rejected.offset,
                    # Opened in a spreadsheet: a control number from the file is no formula.
                    csv_safe(rejected.control_number or ""),
                    csv_safe(rejected.reason),
                    "rejected",
                    "",
                    "",
                ]
            )

    def write_match(self, match: Match) -> None:
        if self._writer is not None:
            self._writer.writerow(
                [
                    match.position,
                    "",
                    csv_safe(match.control_number or ""),
                    csv_safe(match.reason),
                    "matched",
                    match.record_id,
                    "",
                ]
            )

    def write_skipped_item(self, item: SkippedItem) -> None:
        if self._writer is not None:
            self._writer.writerow(
                [
                    item.position,
                    "",
                    csv_safe(item.control_number or ""),
                    csv_safe(item.reason),
                    "item_skipped",
                    "" if item.record_id is None else item.record_id,
                    csv_safe(item.barcode),
                ]
            )

    def close(self) -> None:
        if self._owned is not None:
            self._owned.close()


def rejections_csv(rejections: Iterable[Rejected]) -> str:
    """The rejections as CSV text (for a download from the upload page)."""
    buffer = io.StringIO()
    writer = ReportWriter(buffer)
    for rejected in rejections:
        writer.write(rejected)
    return buffer.getvalue()


@dataclass(slots=True)
class Preview:
    """What an uploaded file holds, before anything is written."""

    read: int = 0
    accepted: int = 0
    rejected: int = 0
    records: list = field(default_factory=list)  # (position, Description) of the first ones
    rejections: list[Rejected] = field(default_factory=list)


def preview_marc(source, *, limit: int = 20, name: str | None = None) -> Preview:
    """Read a whole file without writing: the first records described, every rejection counted."""
    preview = Preview()
    for result in read_marc(source, name=name):
        preview.read += 1
        if isinstance(result, Rejected):
            preview.rejected += 1
            if len(preview.rejections) < KEPT_REJECTIONS:
                preview.rejections.append(result)
            continue
        preview.accepted += 1
        if len(preview.records) < limit:
            preview.records.append((result.position, describe(result.record)))
    return preview
