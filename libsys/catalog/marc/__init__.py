"""MARC 21 in and out of the catalogue.

The format layer, exported here, needs no database: reader, writer, describe, holdings,
and columns (a record's stored columns from MARC), so the import's reading processes load
only these. The catalogue's side imports from them: importer (with parallel reading and
import_report), import_jobs (the web import as a background job), exporter, models (the
ImportJob row), views (the import and export pages) and cli (`libsys import-marc`,
`libsys export-marc`).
"""

from libsys.catalog.marc.describe import Description, describe
from libsys.catalog.marc.holdings import DEFAULT_MAPPINGS, CopyData, extract_copies
from libsys.catalog.marc.reader import (
    Accepted,
    ReadResult,
    Rejected,
    UnreadableFile,
    count_permissive,
    read_marc,
)
from libsys.catalog.marc.writer import (
    WriteReport,
    record_from_json,
    record_to_json,
    write_iso2709,
    write_marcxml,
)

__all__ = [
    "DEFAULT_MAPPINGS",
    "Accepted",
    "CopyData",
    "Description",
    "ReadResult",
    "Rejected",
    "UnreadableFile",
    "WriteReport",
    "count_permissive",
    "describe",
    "extract_copies",
    "read_marc",
    "record_from_json",
    "record_to_json",
    "write_iso2709",
    "write_marcxml",
]
