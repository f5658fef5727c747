"""Notices: overdue letters and e-mails, hold calls, and the daily job that sends them."""
