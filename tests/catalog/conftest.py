"""Fixtures for the catalogue tests."""

import pytest

from tests.catalog.helpers import BOOK


@pytest.fixture
def book_record(network):
    """A catalogued record of Truyện Kiều (no copies yet)."""
    from libsys.catalog.services import build_marc, save_record

    return save_record(build_marc(BOOK))
