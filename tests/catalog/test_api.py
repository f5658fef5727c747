"""Records and copies in the JSON API."""

from libsys.catalog.copies.services import add_item
from tests.factories import api_headers


def test_record_is_public_with_marc_and_copies(client, book_record):
    add_item(book_record, library="TVLC", store="VN")
    response = client.get(f"/api/v1/records/{book_record.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == book_record.id
    assert body["title"] == book_record.title
    assert body["authors"] == ["Nguyễn Du", "Đào Duy Anh"]
    assert body["isbns"] == ["9786046912347"]
    assert body["marc"]["leader"][9] == "a"
    assert any("245" in field for field in body["marc"]["fields"])
    assert body["copies"] == [
        {
            "barcode": "VN.000001",
            "accession_number": "VN.000001",
            "library": "TVLC",
            "store": "VN",
            "call_number": "895.922 / NG-D / 2015",
            "status": "available",
            "due_date": None,
        }
    ]


def test_unknown_record_is_404_with_its_code(client, network):
    response = client.get("/api/v1/records/987654")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "UNKNOWN_RECORD"


def test_item_by_barcode_needs_catalog_view(client, book_record):
    item = add_item(book_record, library="TVLC", store="TN")
    assert client.get(f"/api/v1/items/{item.barcode}").status_code == 401
    denied = client.get(f"/api/v1/items/{item.barcode}", headers=api_headers("viewer"))
    assert denied.status_code == 403
    response = client.get(f"/api/v1/items/{item.barcode}", headers=api_headers("circulation"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["barcode"] == "TN.000001" and body["store"] == "TN"
    assert body["record"] == {"id": book_record.id, "title": book_record.title}
    missing = client.get("/api/v1/items/NOPE", headers=api_headers("admin"))
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "UNKNOWN_ITEM"
