"""Lending rules and library calendars, and the pages that edit them."""
