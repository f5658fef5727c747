"""PDF helpers: the shipped font prints Vietnamese; an official record's heading."""

from reportlab.pdfbase import pdfmetrics

from libsys.core.pdf import FONT_DIR, build_pdf, record_heading, signature_blocks, vietnamese_font


def test_the_font_ships_with_its_licence_and_is_loaded_from_the_package():
    assert {p.name for p in FONT_DIR.iterdir()} >= {
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "LICENSE",
    }
    assert "Bitstream Vera" in (FONT_DIR / "LICENSE").read_text()
    for bold in (False, True):
        font = pdfmetrics.getFont(vietnamese_font(bold=bold))
        assert font.face.filename.startswith(str(FONT_DIR))


def test_a_record_builds_with_the_national_heading(app):
    with app.test_request_context("/"):
        story = [record_heading("Thư viện tỉnh", "TL-1"), signature_blocks(["A", "B"])]
        content = build_pdf(story, title="Biên bản", page_numbers=True)
    assert content.startswith(b"%PDF") and b"DejaVuSans" in content
