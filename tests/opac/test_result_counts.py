"""The results page writes its counts with dots between thousands, as every other figure:
"Khoảng 47.000 kết quả", "1.234 biểu ghi", "Đếm trong 1.000 kết quả tìm thấy đầu tiên"
(PostgreSQL's estimate past the 1,000 hits it reads was written "47000", "1000")."""

from dataclasses import replace

import pytest

from libsys.opac import views
from tests.opac.test_pages import books  # noqa: F401  (the fixture)


@pytest.fixture
def counted_as(monkeypatch):
    """Make the next searches say `total` hits (exact or not), facets counted in `facets_from`."""

    def counted(total, exact, facets_from=None):
        real = views.search_catalogue
        monkeypatch.setattr(
            views,
            "search_catalogue",
            lambda args: replace(
                real(args), total=total, total_exact=exact, facets_from=facets_from
            ),
        )

    return counted


def _heading(page: str) -> str:
    return page.split('<h1 id="hits-title">')[1].split("</h1>")[0].strip()


def test_an_estimate_and_the_facets_note_have_dots_between_thousands(client, books, counted_as):  # noqa: F811
    counted_as(47000, exact=False, facets_from=1000)
    page = client.get("/search?q=hoa").get_data(as_text=True)
    assert _heading(page) == "Khoảng 47.000 kết quả cho “hoa”"
    assert "Đếm trong 1.000 kết quả tìm thấy đầu tiên." in page
    assert _heading(client.get("/search?q=").get_data(as_text=True)).startswith("Khoảng 47.000 ")


def test_an_exact_count_has_dots_between_thousands(client, books, counted_as):  # noqa: F811
    counted_as(1234, exact=True)
    assert _heading(client.get("/search?q=hoa").get_data(as_text=True)) == "1.234 kết quả cho “hoa”"
    assert (
        _heading(client.get("/search?q=").get_data(as_text=True))
        == "1.234 biểu ghi, mới nhất trước"
    )
