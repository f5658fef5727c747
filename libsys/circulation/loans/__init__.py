"""Loans: checkout, renewal, returns, the desk's screens and the reader panel."""
