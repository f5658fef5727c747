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

# Rejections kept in memory for the summary (all of them go to the CSV report).
KEPT_REJECTIONS = 1000
REPORT_COLUMNS = ("position", "offset", "control_number", "reason")


@dataclass(slots=True)
class ImportSummary:
    """What an import did: counts, the rejections and where the time went."""

    read: int = 0
    created: int = 0
    matched: int = 0
    rejected: int = 0
    items_created: int = 0
    rejections: list[Rejected] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    warnings: int = 0
    parse_seconds: float = 0.0
    database_seconds: float = 0.0
    commit_seconds: float = 0.0
    index_seconds: float = 0.0  # the search index's final write (bulk mode)
    created_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The five counts the CLI prints with --json."""
        return {name: getattr(self, name) for name in IMPORT_COUNTS}


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
