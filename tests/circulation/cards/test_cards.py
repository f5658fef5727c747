"""Reader cards: CR80 PDF with the reader's details and a Code 128 barcode a scanner can read."""

import re
import shutil
import subprocess

import pytest
from reportlab.graphics.barcode.code128 import _patterns

from libsys.circulation.cards.views import CARD_HEIGHT, CARD_WIDTH, cards_pdf
from tests.circulation.conftest import adult
from tests.factories import make_reader, make_staff, sign_in

PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(
    not (PDFTOTEXT and PDFTOPPM), reason="poppler-utils (pdftotext, pdftoppm) not installed"
)


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(
        [PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def page_sizes(content: bytes) -> list[tuple[float, float]]:
    """Page sizes in points, read from the PDF's MediaBox entries."""
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", content)
    return [(float(w), float(h)) for w, h in boxes]


# --- A small Code 128 reader: rasterise the card, read one row of pixels, decode bars. ------

WIDTHS = {
    tuple(" abcd".index(ch.lower()) for ch in pattern): value
    for value, pattern in _patterns.items()
    if value < 106
}


def decode_code128(runs: list[int]) -> str:
    """Decode bar/space run lengths (starting with the first bar) to the text they encode."""
    module = sum(runs[:6]) / 11  # every symbol is 11 modules wide
    widths = [max(1, round(run / module)) for run in runs]
    values = []
    for start in range(0, len(widths) - 7, 6):
        symbol = tuple(widths[start : start + 6])
        assert symbol in WIDTHS, f"unreadable symbol {symbol}"
        values.append(WIDTHS[symbol])
    start_code, *data, checksum = values
    assert (start_code + sum(i * v for i, v in enumerate(data, 1))) % 103 == checksum
    text, code_set = "", {103: "A", 104: "B", 105: "C"}[start_code]
    for value in data:
        if value == 99:
            code_set = "C"
        elif value == 100:
            code_set = "B"
        elif code_set == "C":
            text += f"{value:02d}"
        else:
            text += chr(value + 32)
    return text


def read_card_barcode(content: bytes, tmp_path) -> str:
    """Rasterise the card at 600 dpi and decode the barcode row."""
    path = tmp_path / "card.pdf"
    path.write_bytes(content)
    subprocess.run([PDFTOPPM, "-r", "600", "-gray", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "card")], check=True)  # fmt: skip
    image = next(tmp_path.glob("card*.pgm")).read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", image)
    width, height = int(header.group(1)), int(header.group(2))
    pixels = image[header.end() :]
    # The bars stand 5.5 to 17.5 mm above the card's bottom edge: read at 11 mm.
    row_index = round(height * (1 - 11 / 54))
    row = pixels[row_index * width : (row_index + 1) * width]
    dark = [value < 128 for value in row]
    first = dark.index(True)
    last = len(dark) - dark[::-1].index(True)
    runs, current, length = [], True, 0
    for is_dark in dark[first:last]:
        if is_dark == current:
            length += 1
        else:
            runs.append(length)
            current, length = is_dark, 1
    runs.append(length)
    return decode_code128(runs)


# --- Tests -------------------------------------------------------------------------------


@needs_poppler
def test_reader_page_prints_one_card(client, network, tmp_path):
    make_staff("circulation", "TVLC", "desk-card")
    sign_in(client, "desk-card")
    reader = adult(full_name="Đặng Thị Ngọc Ánh", card_issued="2025-03-01",
                   card_expires="2027-02-28")  # fmt: skip
    page = client.get(f"/staff/readers/{reader.card_number}")
    assert f"/staff/readers/{reader.card_number}/card.pdf".encode() in page.data
    response = client.get(f"/staff/readers/{reader.card_number}/card.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    ((width, height),) = page_sizes(response.data)
    assert (round(width, 1), round(height, 1)) == (round(CARD_WIDTH, 1), round(CARD_HEIGHT, 1))
    text = pdf_text(response.data, tmp_path)
    for expected in ("Đặng Thị Ngọc Ánh", "Thư viện tỉnh Lai Châu", reader.card_number,
                     "01/03/2025", "28/02/2027", "Cán bộ, công chức, viên chức"):  # fmt: skip
        assert expected in text, expected
    assert read_card_barcode(response.data, tmp_path) == reader.card_number


def test_card_needs_permission(client, network):
    reader = make_reader()
    make_staff("viewer", None, "viewer-card")
    sign_in(client, "viewer-card")
    assert client.get(f"/staff/readers/{reader.card_number}/card.pdf").status_code == 403


@needs_poppler
def test_sheet_of_ten_for_a_list_of_readers(client, network, tmp_path):
    make_staff("circulation", "TVLC", "desk-sheet")
    sign_in(client, "desk-sheet")
    readers = [adult(full_name=f"Bạn đọc số {n}") for n in range(11)]
    cards = "\n".join(r.card_number for r in readers)
    response = client.get("/staff/reader-cards/", query_string={"cards": cards})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    sizes = page_sizes(response.data)
    assert len(sizes) == 2 and all(round(w) == 595 and round(h) == 842 for w, h in sizes)
    text = pdf_text(response.data, tmp_path)
    assert all(r.card_number in text for r in readers)


def test_sheet_for_the_cards_issued_on_a_day(client, network):
    make_staff("circulation", "TVLC", "desk-day")
    sign_in(client, "desk-day")
    adult(card_issued="2025-01-05")
    adult(full_name="Phạm Văn Long", card_issued="2025-01-05")
    adult(full_name="Lê Thị Mai", card_issued="2025-01-06")
    response = client.get("/staff/reader-cards/", query_string={"issued_on": "2025-01-05"})
    assert response.status_code == 200
    assert len(page_sizes(response.data)) == 1
    empty = client.get("/staff/reader-cards/", query_string={"issued_on": "2001-01-01"})
    assert empty.status_code == 422
    unknown = client.get("/staff/reader-cards/", query_string={"cards": "NOPE1"})
    assert unknown.status_code == 422 and b"NOPE1" in unknown.data
    form = client.get("/staff/reader-cards/")
    assert form.status_code == 200 and b'for="f-cards"' in form.data


def test_cards_pdf_pages(network):
    readers = [adult(full_name=f"Bạn đọc {n}") for n in range(21)]
    assert len(page_sizes(cards_pdf(readers))) == 3
    assert len(page_sizes(cards_pdf(readers[:2], single=True))) == 2
