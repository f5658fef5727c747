"""Holds: placing, trapping, the hold shelf, cancelling and expiring."""
