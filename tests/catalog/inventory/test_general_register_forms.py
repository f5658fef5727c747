"""Copies added from the forms are on the general register: with the voucher or batch the
cataloguer gives, or grouped by day and source when they came without one."""

from datetime import date

from sqlalchemy import func, select

from libsys.catalog.inventory.registers import general_register, individual_register
from libsys.catalog.models import AcquisitionBatch, Item
from libsys.core.clock import local_today
from libsys.extensions import db

BOOK = {
    "title": "Mắt biếc",
    "authors": "Nguyễn Nhật Ánh",
    "year": "2019",
    "language": "vie",
    "library": "TVLC",
    "store": "VN",
    "source": "purchase",
}


def _year():
    today = local_today()
    return {"start": date(today.year, 1, 1), "end": date(today.year, 12, 31)}


def test_copies_from_the_forms_are_on_the_general_register(staff_client, network):
    tvlc = network["TVLC"]
    # Described with two copies and no voucher.
    response = staff_client.post(
        "/staff/catalog/describe", data={**BOOK, "copies": "2", "price": "86000"}
    )
    assert response.status_code == 302
    record_url = response.headers["Location"]
    lines = general_register(tvlc, **_year())
    assert [(x.reference, x.copies_in, x.value_in) for x in lines] == [("", 2, 172000)]
    assert sum(x.copies_in for x in lines) == len(individual_register(tvlc, **_year()))

    # Three more from the record page with a voucher, then one more with the same voucher.
    for copies in ("3", "1"):
        response = staff_client.post(
            f"{record_url}/items",
            data={**BOOK, "copies": copies, "price": "86000", "batch_reference": "HĐ-15/2026"},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AcquisitionBatch.id))) == 1
    lines = general_register(tvlc, **_year())
    assert sorted((x.reference, x.copies_in) for x in lines) == [("", 2), ("HĐ-15/2026", 4)]
    assert sum(x.copies_in for x in lines) == db.session.scalar(
        select(func.count(Item.id)).where(Item.library_id == tvlc.id)
    )
    # The page's download says the same.
    page = staff_client.get(
        "/staff/registers/",
        query_string={"register": "general", "library": "TVLC", "format": "xlsx"},
    )
    assert page.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(page.data)).active.iter_rows(values_only=True))
    assert "HĐ-15/2026" in {row[2] for row in rows[3:-1]}
    assert rows[-1][4] == 6  # the total counts every copy
