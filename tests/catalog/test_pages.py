"""The catalogue's staff pages: records, the book form, who may open which page."""

import pytest
from sqlalchemy import func, select

from libsys.catalog.models import Item, Record
from libsys.extensions import db
from tests.catalog.helpers import BOOK
from tests.factories import make_staff, sign_in

FORM = {
    **BOOK,
    "authors": "Nguyễn Du\nĐào Duy Anh",
    "subjects": "Văn học Việt Nam\nTruyện thơ",
    "copies": "3",
    "library": "TVLC",
    "store": "VN",
    "source": "purchase",
    "price": "85000",
}


def test_describe_a_book_creates_the_record_and_its_copies(staff_client):
    response = staff_client.post("/staff/catalog/describe", data=FORM)
    assert response.status_code == 302
    record = db.session.scalars(select(Record)).one()
    assert response.headers["Location"].endswith(f"/staff/catalog/records/{record.id}")
    assert record.author_list == ["Nguyễn Du", "Đào Duy Anh"]
    numbers = sorted(item.accession_number for item in record.items)
    assert numbers == ["VN.000001", "VN.000002", "VN.000003"]
    assert {item.price for item in record.items} == {85000}
    page = staff_client.get(f"/staff/catalog/records/{record.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "VN.000003" in text and "895.922 / NG-D / 2015" in text and "$a Truyện Kiều" in text


def test_describe_form_shows_errors_and_writes_nothing(staff_client):
    response = staff_client.post(
        "/staff/catalog/describe", data={**FORM, "title": "", "isbn": "123"}
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'id="e-title"' in text and 'id="e-isbn"' in text
    assert db.session.scalar(select(func.count(Record.id))) == 0
    assert db.session.scalar(select(func.count(Item.id))) == 0


def test_list_filters_by_title_author_and_isbn(staff_client, book_record):
    for query in ("Kiều", "Nguyễn Du", "978-604-69-1234-7", "9786046912347"):
        text = staff_client.get("/staff/catalog/", query_string={"q": query}).get_data(as_text=True)
        assert f"/staff/catalog/records/{book_record.id}" in text, query
    text = staff_client.get("/staff/catalog/", query_string={"q": "Chí Phèo"}).get_data(
        as_text=True
    )
    assert f"/staff/catalog/records/{book_record.id}" not in text


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("circulation", "/staff/catalog/", 200),
        ("circulation", "/staff/catalog/describe", 403),
        ("circulation", "/staff/catalog/import", 403),
        ("circulation", "/staff/catalog/export", 403),
        ("cataloguer", "/staff/catalog/describe", 200),
        ("cataloguer", "/staff/catalog/import", 200),
        ("viewer", "/staff/catalog/", 403),
    ],
)
def test_permissions(client, network, role, path, status):
    make_staff(role, "TVLC", username=f"u-{role}")
    sign_in(client, f"u-{role}")
    assert client.get(path).status_code == status


def test_anonymous_people_are_sent_to_sign_in(client, network):
    assert client.get("/staff/catalog/").status_code in (302, 401)
