"""Circulation fixtures: copies to lend, readers, and the desk's library."""

import itertools
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from libsys.catalog.models import Item, Record
from libsys.core.clock import local_today
from libsys.extensions import db as _db
from libsys.network.models import Library, Store
from libsys.readers.models import ReaderCategory
from tests.factories import make_reader

_serial = itertools.count(1)


def library(code: str) -> Library:
    """A demo library by code."""
    return _db.session.scalar(select(Library).where(Library.code == code))


def category(code: str) -> ReaderCategory:
    """A reader category by code."""
    return _db.session.scalar(select(ReaderCategory).where(ReaderCategory.code == code))


def make_record(title: str = "Dế Mèn phiêu lưu ký") -> Record:
    """A bare title."""
    record = Record(marc="{}", title=title, title_sort=title.lower())
    _db.session.add(record)
    _db.session.flush()
    return record


def make_item(
    record=None,
    *,
    library_code="TVLC",
    store_code="VN",
    item_type="book",
    barcode=None,
    status="available",
) -> Item:
    """A copy of a title in a store of a library."""
    record = record or make_record()
    lib = library(library_code)
    store = _db.session.scalar(
        select(Store).where(Store.library_id == lib.id, Store.code == store_code)
    )
    number = next(_serial)
    item = Item(
        record_id=record.id,
        library_id=lib.id,
        store_id=store.id if store else None,
        accession_number=f"{store_code}.{number:06d}",
        barcode=barcode or f"T{number:08d}",
        item_type=item_type,
        status=status,
    )
    _db.session.add(item)
    _db.session.flush()
    return item


def adult(**overrides):
    """An adult reader whose card runs for years."""
    data = {"card_expires": (local_today() + timedelta(days=900)).isoformat()}
    data.update(overrides)
    return make_reader(**data)


def child(**overrides):
    """A child reader with a guardian."""
    data = {
        "full_name": "Lò Văn Tú",
        "date_of_birth": (local_today() - timedelta(days=365 * 9)).isoformat(),
        "category": "children",
        "guardian_name": "Lò Văn Páo",
        "guardian_phone": "0912345678",
        "gender": "male",
    }
    data.update(overrides)
    return adult(**data)


@pytest.fixture
def tvlc(network):
    """The provincial library, where the desk stands."""
    return library("TVLC")


@pytest.fixture
def today() -> date:
    """Today in Vietnam."""
    return local_today()
