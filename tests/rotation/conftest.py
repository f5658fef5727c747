"""Rotation fixtures: copies at Tam Đường district library, its officer and point keepers."""

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from libsys.catalog.models import Item, Record
from libsys.core.clock import local_today
from libsys.extensions import db as _db
from libsys.network.models import Library, Store
from tests.factories import make_staff

_serial = itertools.count(1)


def library(code: str) -> Library:
    """A demo library or point by code."""
    return _db.session.scalar(select(Library).where(Library.code == code))


def make_record(title: str = "Dế Mèn phiêu lưu ký", authors: str = "Tô Hoài") -> Record:
    """A bare title."""
    record = Record(marc="{}", title=title, title_sort=title.lower(), authors=authors)
    _db.session.add(record)
    _db.session.flush()
    return record


def make_copy(record=None, *, library_code="TVTD", store_code="LC", **overrides) -> Item:
    """A copy of a title in a store of a library (the rotation store by default)."""
    record = record or make_record()
    lib = library(library_code)
    store = _db.session.scalar(
        select(Store).where(Store.library_id == lib.id, Store.code == store_code)
    )
    number = next(_serial)
    values = {
        "record_id": record.id,
        "library_id": lib.id,
        "store_id": store.id,
        "accession_number": f"{store_code}.{number:06d}",
        "barcode": f"R{number:08d}",
        "call_number": "895.9223 T450H",
        "price": 45_000,
        "status": "available",
    }
    values.update(overrides)
    item = Item(**values)
    _db.session.add(item)
    _db.session.flush()
    return item


def copies_of_one_title(count: int = 3, **overrides) -> list[Item]:
    """Several copies of one new title (three: no "few copies" warning)."""
    record = make_record()
    return [make_copy(record, **overrides) for _ in range(count)]


@pytest.fixture
def officer(network):
    """The rotation officer of Tam Đường district library."""
    return make_staff("rotation_officer", "TVTD", username="luanchuyen")


@pytest.fixture
def manager(network):
    """The manager of Tam Đường district library (may approve a long stay)."""
    return make_staff("manager", "TVTD", username="quanly")


@pytest.fixture
def keeper(network):
    """The keeper of the Bản Giang post-office cultural point."""
    return make_staff("point_keeper", "BDBG", username="diem-bg")


@pytest.fixture
def other_keeper(network):
    """The keeper of another point of the same library (Nà Tăm)."""
    return make_staff("point_keeper", "BDNT", username="diem-nt")


def in_months(months: int):
    """A day about `months` months from today (a few days short, to stay within)."""
    return local_today() + timedelta(days=30 * months - 5)
