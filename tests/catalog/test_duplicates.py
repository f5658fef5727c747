"""The describe form warns of a book the catalogue may hold already, and can save anyway."""

from sqlalchemy import func, select

from libsys.catalog.models import Record
from libsys.extensions import db

MAT_BIEC = {
    "title": "Mắt biếc",
    "authors": "Nguyễn Nhật Ánh",
    "publisher": "Trẻ",
    "place": "TP. Hồ Chí Minh",
    "year": "2019",
    "language": "vie",
    "copies": "1",
    "library": "TVLC",
}
ISBN = "978-604-1-15183-3"


def _records() -> list[int]:
    return list(db.session.scalars(select(Record.id).order_by(Record.id)))


def test_same_title_author_and_year_or_same_isbn_is_warned_and_can_be_saved_anyway(
    staff_client,
):
    first = staff_client.post("/staff/catalog/describe", data={**MAT_BIEC, "isbn": ISBN})
    assert first.status_code == 302
    [first_id] = _records()

    # Second time, no ISBN: same title, author and year.
    second = staff_client.post("/staff/catalog/describe", data=MAT_BIEC)
    assert second.status_code == 200
    page = second.get_data(as_text=True)
    assert 'id="duplicates"' in page
    assert f'href="/staff/catalog/records/{first_id}"' in page
    assert 'name="save_anyway"' in page
    assert _records() == [first_id]  # nothing saved
    saved = staff_client.post("/staff/catalog/describe", data={**MAT_BIEC, "save_anyway": "1"})
    assert saved.status_code == 302
    first_id, second_id = _records()

    # Third time, with the first one's ISBN and a title written otherwise: both are named.
    third = staff_client.post(
        "/staff/catalog/describe", data={**MAT_BIEC, "title": "Mắt biếc (tái bản)", "isbn": ISBN}
    )
    page = third.get_data(as_text=True)
    assert 'id="duplicates"' in page and f'href="/staff/catalog/records/{first_id}"' in page
    third = staff_client.post("/staff/catalog/describe", data={**MAT_BIEC, "isbn": ISBN})
    page = third.get_data(as_text=True)
    assert f'href="/staff/catalog/records/{first_id}"' in page
    assert f'href="/staff/catalog/records/{second_id}"' in page
    assert len(_records()) == 2
    saved = staff_client.post(
        "/staff/catalog/describe", data={**MAT_BIEC, "isbn": ISBN, "save_anyway": "1"}
    )
    assert saved.status_code == 302
    assert db.session.scalar(select(func.count(Record.id))) == 3


def test_another_year_is_not_a_duplicate(staff_client):
    assert staff_client.post("/staff/catalog/describe", data=MAT_BIEC).status_code == 302
    other = staff_client.post("/staff/catalog/describe", data={**MAT_BIEC, "year": "2021"})
    assert other.status_code == 302
    assert len(_records()) == 2


def test_a_wrong_form_shows_its_errors_not_a_warning(staff_client):
    assert staff_client.post("/staff/catalog/describe", data=MAT_BIEC).status_code == 302
    wrong = staff_client.post("/staff/catalog/describe", data={**MAT_BIEC, "isbn": "123"})
    assert wrong.status_code == 422
    assert 'id="duplicates"' not in wrong.get_data(as_text=True)
