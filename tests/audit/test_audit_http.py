"""The audit log: staff changes with who, when and the values before and after."""

import pytest
from sqlalchemy import func, select

from libsys.audit.models import AuditEntry
from libsys.catalog import copies
from libsys.errors import ValidationFailed
from tests.circulation.conftest import make_item
from tests.factories import make_reader, make_staff, sign_in


def _entries(db, table, row_id):
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.table_name == table, AuditEntry.row_id == row_id)
        .order_by(AuditEntry.id)
    ).all()


@pytest.fixture
def cataloguer(client, network):
    make_staff("cataloguer", None, "bienmuc")
    sign_in(client, "bienmuc")
    return client


def test_a_call_number_changed_on_the_copy_page_is_logged_with_old_and_new(cataloguer, db):
    item = make_item()
    item.call_number = "895.922 T550H"
    db.session.flush()
    response = cataloguer.post(
        f"/staff/catalog/items/{item.barcode}",
        data={"call_number": "895.9223 T550H", "notes": "", "price": "", "status": "available",
              "store": "VN"},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    (entry,) = [e for e in _entries(db, "item", item.id) if e.user_name == "bienmuc"]
    assert entry.user_name == "bienmuc"
    assert entry.user_id is not None
    assert entry.changes["call_number"] == ["895.922 T550H", "895.9223 T550H"]
    assert entry.record_id == item.record_id
    assert item.barcode in entry.label


def test_a_readers_address_change_is_logged_and_her_password_never(staff_client, db):
    reader = make_reader(address="12 Trần Phú")
    response = staff_client.post(
        f"/staff/readers/{reader.card_number}/edit",
        data={"full_name": reader.full_name, "category": "official", "home_library": "TVLC",
              "address": "45 Hoàng Liên", "card_issued": reader.card_issued.isoformat(),
              "card_expires": reader.card_expires.isoformat(), "date_of_birth": "1990-05-17",
              "gender": "female", "ethnicity": "03", "admin_unit": "03390"},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    updates = [e for e in _entries(db, "reader", reader.id) if e.action == "update"]
    assert updates[-1].changes["address"] == ["12 Trần Phú", "45 Hoàng Liên"]
    assert updates[-1].user_name == "admin"
    assert updates[-1].reader_id == reader.id
    response = staff_client.post(
        f"/staff/readers/{reader.card_number}/password", data={"password": "hoa-secret-77"}
    )
    assert response.status_code == 302
    last = _entries(db, "reader", reader.id)[-1]
    assert last.changes["password_hash"] == [None, "***"]
    everything = " ".join(str(e.changes) for e in db.session.scalars(select(AuditEntry)))
    assert "hoa-secret-77" not in everything and "pbkdf2" not in everything


def test_a_failed_request_leaves_no_audit_row(cataloguer, db, monkeypatch):
    item = make_item()
    before = db.session.scalar(select(func.count(AuditEntry.id)))

    def refuse_after_the_flush(_record_ids, **_kwargs):
        raise ValidationFailed(fields={"call_number": "no"})

    # The change is flushed (and its entry written), then the request fails: 422, rollback.
    monkeypatch.setattr(copies.services, "mark_changed", refuse_after_the_flush)
    response = cataloguer.post(
        f"/staff/catalog/items/{item.barcode}",
        data={"call_number": "999 X", "store": "VN", "status": "available"},
    )
    assert response.status_code == 422
    db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEntry.id))) == before
    assert db.session.get(type(item), item.id).call_number != "999 X"


def test_the_admin_searches_the_log_by_user_kind_reader_and_days(staff_client, db):
    reader = make_reader(address="1 Lê Lợi")
    reader.phone = "0912000111"
    db.session.flush()
    page = staff_client.get(f"/staff/audit/?reader={reader.card_number}&kind=readers")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Nhật ký thay đổi" in text and "0912000111" in text
    listed = staff_client.get(f"/staff/audit/entries.json?reader={reader.card_number}").get_json()
    assert {e["table"] for e in listed["entries"]} == {"reader"}
    assert {e["action"] for e in listed["entries"]} == {"create", "update"}
    nobody = staff_client.get("/staff/audit/entries.json?kind=accounts&user=nobody")
    assert nobody.get_json()["entries"] == []
    wrong = staff_client.get("/staff/audit/?since=31/02/2026")
    assert wrong.status_code == 422
    assert "dd/mm/yyyy" in wrong.get_data(as_text=True)


def test_only_administrators_read_the_log(client, network, db):
    make_staff("manager", "TVLC", "quanly1")
    sign_in(client, "quanly1")
    assert client.get("/staff/audit/").status_code == 403
    assert client.get("/staff/audit/entries.json").status_code == 403


def test_an_override_at_the_desk_is_logged_without_the_reader(client, network, db):
    make_staff("manager", "TVLC", "desk-manager")
    sign_in(client, "desk-manager")
    reader, reference = make_reader(full_name="Hà Thị Lan"), make_item(store_code="VT")
    client.post("/staff/desk/", data={"scan": reader.card_number}, follow_redirects=True)
    client.post("/staff/desk/", data={"scan": reference.barcode}, follow_redirects=True)
    client.post(
        "/staff/desk/override",
        data={"barcode": reference.barcode, "reason": "Photo tài liệu"},
        follow_redirects=True,
    )
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.table_name == "override"))
    assert entry.user_name == "desk-manager"
    assert entry.changes["reason"] == [None, "Photo tài liệu"]
    assert entry.changes["refusals"][1]
    assert entry.label == reference.barcode and entry.record_id == reference.record_id
    assert entry.reader_id is None and "Hà Thị Lan" not in str(entry.changes)
    # No loan row is audited: the desk's lending is in the event log.
    assert not db.session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.table_name == "loan")
    )


def test_checkouts_and_returns_at_the_desk_write_no_audit_entry(client, network, db):
    from libsys.circulation.loans.models import Loan

    make_staff("circulation", "TVLC", "desk-clerk")
    sign_in(client, "desk-clerk")
    reader, item = make_reader(), make_item()
    before = db.session.scalar(select(func.count(AuditEntry.id)))
    for _cycle in range(2):
        client.post("/staff/desk/", data={"scan": reader.card_number})
        client.post("/staff/desk/", data={"scan": item.barcode})
        client.post("/staff/desk/returns", data={"scan": item.barcode})
    loans = db.session.scalars(select(Loan).where(Loan.item_id == item.id)).all()
    assert len(loans) == 2 and all(loan.returned_at for loan in loans)
    assert db.session.scalar(select(func.count(AuditEntry.id))) == before


def test_every_audited_table_exists_and_no_secret_is_kept(app):
    from libsys.audit.tracking import AUDITED, is_secret
    from libsys.extensions import db as _db

    assert set(AUDITED) <= set(_db.metadata.tables)
    assert {"loan", "hold", "visit", "event"}.isdisjoint(AUDITED)
    assert is_secret("password_hash") and is_secret("token_hash") and not is_secret("address")


def test_a_library_admin_reads_only_her_librarys_entries(client, network, db):
    ours, theirs = make_reader(home_library="TVLC"), make_reader(home_library="TVTD")
    ours.phone, theirs.phone = "0912000222", "0912000333"
    db.session.flush()
    assert {e.library_id for e in _entries(db, "reader", theirs.id)} == {theirs.home_library_id}
    make_staff("admin", "TVLC", "quantri-tinh")
    sign_in(client, "quantri-tinh")
    listed = client.get("/staff/audit/entries.json?kind=readers").get_json()["entries"]
    assert {e["row_id"] for e in listed} == {ours.id}
    page = client.get("/staff/audit/?kind=readers").get_data(as_text=True)
    assert "0912000222" in page and "0912000333" not in page
    asked = client.get(f"/staff/audit/entries.json?reader={theirs.card_number}").get_json()
    assert asked["entries"] == []  # asking for her by card shows nothing either
    for lib in (network["TVLC"], network["TVTD"]):
        lib.phone = "0213 3876 000"
    db.session.flush()
    listed = client.get("/staff/audit/entries.json?kind=network").get_json()["entries"]
    libraries = {e["row_id"] for e in listed if e["table"] == "library"}
    assert libraries == {network["TVLC"].id}  # her own library's row, not the district's
    assert not any(e["table"] == "admin_unit" for e in listed)  # the network's


def test_the_network_admin_reads_every_librarys_entries(staff_client, db):
    ours, theirs = make_reader(home_library="TVLC"), make_reader(home_library="TVTD")
    listed = staff_client.get("/staff/audit/entries.json?kind=readers").get_json()["entries"]
    assert {ours.id, theirs.id} <= {e["row_id"] for e in listed}


def test_the_log_names_what_changed_in_words(staff_client, db):
    item = make_item()
    item.call_number = "895.922 T550H"
    db.session.flush()
    staff_client.post(
        f"/staff/catalog/items/{item.barcode}",
        data={"call_number": "895.9223 T550H", "notes": "", "price": "", "status": "available",
              "store": "VN"},
    )  # fmt: skip
    page = staff_client.get("/staff/audit/?kind=records").get_data(as_text=True)
    assert f"Bản tài liệu #{item.id}" in page and "<code>item</code>" not in page
    assert "<dt>Ký hiệu xếp giá</dt>" in page and "call_number" not in page
    assert "895.922 T550H → 895.9223 T550H" in page
