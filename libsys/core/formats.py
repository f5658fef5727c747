"""How pages, PDFs and spreadsheets write dates and amounts: the Vietnamese way."""

from datetime import date


def format_day(value) -> str:
    """dd/mm/yyyy from a date, a datetime or an ISO string; "" for nothing."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d/%m/%Y")


def format_number(value: int | None) -> str:
    """A whole number (VND, population) with dots between thousands: 1.250.000."""
    if value is None:
        return ""
    return f"{value:,}".replace(",", ".")
