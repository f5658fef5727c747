"""Interop: to come (see README roadmap)."""
