"""On a phone the account answers where the reader acted; signing in comes back to the record."""

from sqlalchemy import select

from libsys.circulation.holds.models import Hold
from libsys.circulation.holds.services import place_hold
from libsys.circulation.loans.services import checkout
from libsys.extensions import db
from tests.circulation.account.test_account import PASSWORD, signed_in_reader
from tests.circulation.conftest import adult, make_item, make_record


def _sign_in_from(client, reader, next_url):
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"username": reader.card_number, "password": PASSWORD},
    )
    assert response.status_code == 302
    return response


def _line(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"')[1].split("</li>")[0]


def test_renewal_answer_is_on_the_loan_line(client, tvlc):
    reader = signed_in_reader(client)
    first = checkout(make_item(make_record("Nhà giả kim")).barcode, reader.card_number,
                     library=tvlc).loan  # fmt: skip
    second = checkout(make_item(make_record("Bỉ vỏ")).barcode, reader.card_number,
                      library=tvlc).loan  # fmt: skip
    response = client.post(f"/account/loans/{second.id}/renew")
    assert response.headers["Location"].endswith(f"/account/#loan-{second.id}")
    page = client.get("/account/").get_data(as_text=True)
    assert "Đã gia hạn" in _line(page, f"loan-{second.id}")
    assert "Đã gia hạn" not in _line(page, f"loan-{first.id}")
    assert 'class="flashes"' not in page  # not at the top, off screen on a phone
    # A refusal is answered on the line too.
    place_hold(adult(full_name="Bạn đọc khác"), record=first.item.record, pickup_library=tvlc)
    client.post(f"/account/loans/{first.id}/renew")
    page = client.get("/account/").get_data(as_text=True)
    assert "flash-error" in _line(page, f"loan-{first.id}")
    # Shown once: the next visit is quiet.
    assert "flash-error" not in client.get("/account/").get_data(as_text=True)


def test_hold_and_cancel_answer_at_their_place(client, tvlc):
    reader = signed_in_reader(client)
    record = make_record("Đất rừng phương Nam")
    make_item(record)
    response = client.post(
        "/account/holds/place", data={"record_id": record.id, "pickup_library": "TVLC"}
    )
    hold = db.session.scalar(select(Hold).where(Hold.reader_id == reader.id))
    assert response.headers["Location"].endswith(f"/account/#hold-{hold.id}")
    page = client.get("/account/").get_data(as_text=True)
    assert "flash-success" in _line(page, f"hold-{hold.id}")
    client.post(f"/account/holds/{hold.id}/cancel")
    page = client.get("/account/").get_data(as_text=True)
    holds = page.split('id="holds"')[1].split("</section>")[0]
    assert "flash-success" in holds and "Đất rừng phương Nam" in holds


def test_signing_in_from_a_record_returns_to_it(client, tvlc):
    record = make_record("Quê nội")
    make_item(record)
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert f'href="/login?next=/records/{record.id}"' in page
    reader = adult(password=PASSWORD)
    response = _sign_in_from(client, reader, f"/records/{record.id}")
    assert response.headers["Location"].endswith(f"/records/{record.id}")
    # Only a path on this site: another site's address goes home.
    client.post("/logout")
    response = _sign_in_from(client, reader, "https://evil.example/")
    assert "evil" not in response.headers["Location"]
