"""A loan at a rotation point writes a checkout and a point_loan event: it is one loan."""

from libsys.core.clock import local_today
from libsys.stats.periods import parse_period
from libsys.stats.scope import library_scope, network_scope
from libsys.stats.services import indicator_values
from tests.factories import make_reader
from tests.rotation.conftest import copies_of_one_title, keeper, officer  # noqa: F401
from tests.rotation.test_point_desk import _batch_at_point, _headers


def _values(scope):
    period = parse_period(local_today().strftime("%Y-%m"))
    codes = ["loans", "document_uses", "point_uses"]
    return {v.indicator.code: v.value for v in indicator_values(period, scope, codes=codes)}


def test_a_loan_at_the_point_counts_once_in_loans_and_document_uses(client, officer, keeper):  # noqa: F811
    copies = copies_of_one_title(2)
    _batch_at_point(officer, keeper, copies)
    local = make_reader(full_name="Lò Thị Điểm", home_library="BDBG")
    body = {"item": copies[0].barcode, "reader": local.card_number, "library": "BDBG"}
    response = client.post("/api/v1/checkouts", json=body, headers=_headers(keeper))
    assert response.status_code == 201, response.json

    expected = {"loans": 1, "document_uses": 1, "point_uses": 1}
    assert _values(library_scope("TVTD")) == expected  # the library with its point
    assert _values(library_scope("BDBG")) == expected
    assert _values(network_scope()) == expected
