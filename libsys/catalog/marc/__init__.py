"""MARC 21 records without a database: reading, describing, holdings and writing."""

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
