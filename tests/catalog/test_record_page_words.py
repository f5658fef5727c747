"""The describe form and the staff record page as a cataloguer reads them (issue 15): a size
of "20" is saved as "20 cm", and the record page names the language instead of its code."""

import json

import pytest
from sqlalchemy import select

from libsys.catalog.languages import language_name
from libsys.catalog.models import Record
from libsys.extensions import db

FORM = {
    "title": "Cho tôi xin một vé đi tuổi thơ",
    "authors": "Nguyễn Nhật Ánh",
    "publisher": "Trẻ",
    "year": "2018",
    "pages": "220",
    "language": "vie",
    "copies": "1",
    "library": "TVLC",
}


def _physical(record: Record) -> dict:
    fields = json.loads(record.marc)["fields"]
    [field] = [entry["300"] for entry in fields if "300" in entry]
    return {code: text for sub in field["subfields"] for code, text in sub.items()}


@pytest.mark.parametrize(
    "typed, saved", [("20", "20 cm"), ("20 cm", "20 cm"), ("19 x 13 cm", "19 x 13 cm")]
)
def test_a_size_in_digits_is_saved_in_centimetres(staff_client, typed, saved):
    response = staff_client.post("/staff/catalog/describe", data={**FORM, "size": typed})
    assert response.status_code == 302
    record = db.session.scalar(select(Record))
    assert _physical(record)["c"] == saved
    assert record.size == saved
    page = staff_client.get(f"/staff/catalog/records/{record.id}").get_data(as_text=True)
    assert f"220 tr ; {saved}</dd>" in page


def test_the_record_page_names_the_language(staff_client):
    staff_client.post("/staff/catalog/describe", data={**FORM, "language": "fre"})
    record = db.session.scalar(select(Record))
    page = staff_client.get(f"/staff/catalog/records/{record.id}").get_data(as_text=True)
    language = page.split("Ngôn ngữ</dt>")[1].split("</dd>")[0]
    assert "Tiếng Pháp" in language and "fre" not in language
    record.language = "vie"
    db.session.flush()
    page = staff_client.get(f"/staff/catalog/records/{record.id}").get_data(as_text=True)
    assert "<dd>Tiếng Việt</dd>" in page


@pytest.mark.parametrize(
    "code, vietnamese, english",
    [
        ("vie", "Tiếng Việt", "Vietnamese"),
        ("ger", "Tiếng Đức", "German"),  # MARC's code, ISO 639-2/B (deu in 639-2/T)
        ("chi", "Tiếng Trung", "Chinese"),
        ("cze", "Tiếng Séc", "Czech"),
        ("hmn", "Tiếng H’Mông", "Hmong"),
        ("scc", "Tiếng Serbia", "Serbian"),  # obsolete MARC code still in old records
        ("xxx", "xxx", "xxx"),  # unknown: the code itself
    ],
)
def test_marc_language_codes_have_their_names(app, code, vietnamese, english):
    with app.test_request_context():
        assert language_name(code, "vi") == vietnamese
        assert language_name(code, "en") == english
