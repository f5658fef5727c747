"""Rotation: to come (see README roadmap)."""
