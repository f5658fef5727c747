"""Visits and in-library use: counted at the desk, the reading room and the API."""
