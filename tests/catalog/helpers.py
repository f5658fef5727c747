"""Shared test data for the catalogue: the shared MARC files and a sample book."""

import pytest

from tests.factories import MARC_DIR

# Files in the shared folder that are not MARC at all (refused as a whole, not imported).
NOT_MARC = {
    "README.md",
    "evergreen/README",
    "folio/invalidMarcFile.mrc",
    "pymarc/test_marc8.txt",
    "pymarc/test_utf8.txt",
}

needs_marc_data = pytest.mark.skipif(
    not MARC_DIR.is_dir(), reason=f"the shared MARC test files are not at {MARC_DIR}"
)


def marc_file(relative: str):
    """Path of a shared MARC file, skipping the test when it is absent."""
    path = MARC_DIR / relative
    if not path.is_file():
        pytest.skip(f"shared MARC file {relative} not found at {path}")
    return path


BOOK = {
    "title": "Truyện Kiều",
    "subtitle": "Đoạn trường tân thanh",
    "responsibility": "Nguyễn Du ; Đào Duy Anh khảo đính",
    "authors": ["Nguyễn Du", "Đào Duy Anh"],
    "publisher": "Văn học",
    "place": "Hà Nội",
    "year": "2015",
    "isbn": "978-604-69-1234-7",
    "pages": "332",
    "size": "21 cm",
    "ddc": "895.922",
    "subjects": ["Văn học Việt Nam", "Truyện thơ"],
    "summary": "Truyện thơ lục bát của Nguyễn Du.",
    "language": "vie",
    "edition": "Tái bản lần thứ 3",
    "series": "Tủ sách Văn học trong nhà trường",
}


def db_events(kind):
    """The event log's rows of one kind."""
    from sqlalchemy import select

    from libsys.extensions import db
    from libsys.stats.models import Event

    return db.session.scalars(select(Event).where(Event.kind == kind))
