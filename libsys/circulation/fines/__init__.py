"""Overdue fines: charged at a late return, paid or waived at the desk."""
