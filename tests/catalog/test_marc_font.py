"""The MARC view and editor ask for the bundled monospace font, which the server serves."""

import re


def test_pages_link_the_marc_stylesheet_and_its_font_is_served(staff_client, book_record):
    page = staff_client.get(f"/staff/catalog/records/{book_record.id}").get_data(as_text=True)
    assert 'class="marc"' in page and "/static/css/marc.css" in page
    response = staff_client.get("/static/css/marc.css")
    css = response.get_data(as_text=True)
    response.close()
    font = re.search(r'url\("\.\./fonts/([^"]+)"\)', css).group(1)
    assert re.search(
        r"table\.marc td, \.marc-rows input, \.marc-text \{\s*font-family: \"Libsys Mono\"", css
    )
    served = staff_client.get(f"/static/fonts/{font}")
    assert served.status_code == 200
    assert served.data[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    served.close()
    licence = staff_client.get("/static/fonts/LICENSE")
    assert "DejaVu" in licence.get_data(as_text=True)
    licence.close()
