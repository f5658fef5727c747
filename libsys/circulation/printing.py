"""Shared bits for the circulation PDFs (cards, notice letters)."""

from io import BytesIO

from flask import Response

from libsys.catalog.pdf import vietnamese_font  # noqa: F401  (re-exported for our PDFs)


def pdf_response(content: bytes | BytesIO, filename: str) -> Response:
    """A PDF shown in the browser (inline), with a file name for saving it."""
    if isinstance(content, BytesIO):
        content = content.getvalue()
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
