"""Copies (bản) of the catalogue's records: their services and pages (a copy, adding copies)."""
