"""Periodicals (báo, tạp chí): titles, yearly subscriptions and the issues received.

Plans count periodicals in titles (đầu báo, tạp chí): `count_periodical_titles` gives the
titles a library subscribed to in a year. Receiving an issue appends a
`periodical_received` event so acquisitions of periodicals come from the event log too.
"""
