"""The copies' pages: adding copies to a record, editing a copy."""

from libsys.catalog.copies.services import add_item
from libsys.extensions import db


def test_add_copies_and_edit_a_copy(staff_client, book_record):
    response = staff_client.post(
        f"/staff/catalog/records/{book_record.id}/items",
        data={"copies": "2", "library": "TVLC", "store": "TN"},
    )
    assert response.status_code == 302
    item = book_record.items[0]
    assert item.accession_number == "TN.000001"
    response = staff_client.post(
        f"/staff/catalog/items/{item.barcode}",
        data={
            "store": "VN",
            "call_number": "",
            "price": "50000",
            "notes": "Bìa rách",
            "status": "damaged",
        },
    )
    assert response.status_code == 302
    db.session.refresh(item)
    assert (item.store.code, item.price, item.notes, item.status) == (
        "VN",
        50000,
        "Bìa rách",
        "damaged",
    )
    assert item.call_number == "895.922 / NG-D / 2015"
    page = staff_client.get(f"/staff/catalog/items/{item.barcode}").get_data(as_text=True)
    assert "TN.000001" in page


def test_status_set_by_the_desk_cannot_be_changed_here(staff_client, book_record):
    item = add_item(book_record, library="TVLC")
    item.status = "on_loan"
    response = staff_client.post(
        f"/staff/catalog/items/{item.barcode}", data={"status": "available"}
    )
    assert response.status_code == 422
    db.session.refresh(item)
    assert item.status == "on_loan"
