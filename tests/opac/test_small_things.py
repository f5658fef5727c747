"""Small things seen on the pages (issue 15): a result with no author does not begin with
"·", and the staff record page leaves out a publisher it does not have ("Xuất bản , 2019")."""

from sqlalchemy import select

from libsys.catalog.models import Record
from libsys.extensions import db
from tests.opac.test_pages import books  # noqa: F401  (the fixture)


def test_a_result_without_author_or_publisher_does_not_begin_with_a_dot(client, books):  # noqa: F811
    books.add("Ca dao Tây Bắc", authors=[], year="2019", copies=(("TVLC", "available"),))
    page = client.get("/search?q=ca dao tay bac").get_data(as_text=True)
    hit = page.split('class="hit-list"')[1].split("</li>")[0]
    assert "Ca dao Tây Bắc" in hit
    meta = hit.split('class="hit-meta">')[1].split("</p>")[0]
    assert meta.strip() == "2019"


def test_the_staff_record_page_leaves_out_a_missing_publisher(staff_client):
    staff_client.post(
        "/staff/catalog/describe",
        data={"title": "Ca dao Tây Bắc", "year": "2019", "language": "vie", "copies": "1",
              "library": "TVLC"},
    )  # fmt: skip
    record = db.session.scalar(select(Record))
    page = staff_client.get(f"/staff/catalog/records/{record.id}").get_data(as_text=True)
    publication = page.split("Xuất bản</dt>")[1].split("</dd>")[0]
    assert publication == "<dd>2019"


def test_copies_with_one_accession_number_at_two_libraries_are_told_apart(client, books):  # noqa: F811
    record = db.session.scalar(select(Record).where(Record.title == "Văn hóa đọc"))
    for item in record.items:
        item.accession_number = "VN.000001"  # each library numbers its own copies
    db.session.flush()
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    cells = [row.split("</td>")[0] for row in page.split("<td>VN.000001")[1:]]
    assert sorted(cell.split("(")[1].split(")")[0] for cell in cells) == ["TVLC", "TVTD"]
