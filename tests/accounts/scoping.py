"""What the library-scope tests share: signing in as a role of a library, reading a refusal."""

import itertools

from sqlalchemy import select

from libsys.catalog.models import Item, Record
from libsys.extensions import db
from libsys.network.models import Library, Store
from tests.factories import make_staff, sign_in

REFUSAL = "Mục này thuộc thư viện khác: tài khoản của bạn chỉ làm việc cho thư viện của mình."
NETWORK_ONLY = "Chỉ tài khoản cấp toàn mạng lưới mới được thay đổi"


def library(code: str) -> Library:
    return db.session.scalar(select(Library).where(Library.code == code))


_serial = itertools.count(1)


def make_copy(library_code: str, record=None, *, status: str = "available") -> Item:
    """A copy of a library's lending store, on the shelf unless `status` says otherwise."""
    if record is None:
        record = Record(marc="{}", title="Nhật ký trong tù", title_sort="nhat ky trong tu")
        db.session.add(record)
        db.session.flush()
    lib = library(library_code)
    store = db.session.scalar(select(Store).where(Store.library_id == lib.id, Store.code == "VN"))
    number = next(_serial)
    item = Item(
        record_id=record.id,
        library_id=lib.id,
        store_id=store.id,
        accession_number=f"VN.9{number:05d}",
        barcode=f"S{library_code}{number:06d}",
        call_number="895.922 / H452",
        item_type="book",
        status=status,
    )
    db.session.add(item)
    db.session.flush()
    return item


def signed_in(client, role: str, library_code: str | None, username: str | None = None):
    """The client signed in as a new account of the role at the library (None: network)."""
    username = username or f"scope-{role}-{library_code or 'net'}"
    make_staff(role, library_code, username=username)
    sign_in(client, username)
    return client


def refused(response) -> bool:
    """A Vietnamese 403 page: another library's thing."""
    return response.status_code == 403 and REFUSAL in response.get_data(as_text=True)


def network_only(response) -> bool:
    """A Vietnamese 403 page: what only a network account changes."""
    return response.status_code == 403 and NETWORK_ONLY in response.get_data(as_text=True)
