"""The server's worker: gunicorn's threaded worker that spreads connections over workers.

A desk's browser (or the API client of a self-service machine) keeps its connection open
and sends every scan on it. gunicorn's workers all hear of a new connection and the first
to call accept() takes it, so two desks can end up on one worker, served one after the
other, while the other worker waits idle. This worker lets a worker with fewer open
connections take a new one first: one that already holds connections waits a moment
(ACCEPT_DELAY per connection, at most ACCEPT_DELAY_MAX) before it accepts.

    gunicorn --worker-class libsys.core.workers.BalancedThreadWorker --threads 1 ...
"""

import time

from gunicorn.workers.gthread import ThreadWorker

ACCEPT_DELAY = 0.005  # seconds per connection this worker holds open already
ACCEPT_DELAY_MAX = 0.02


class BalancedThreadWorker(ThreadWorker):
    """gthread, but a new connection goes to the worker with the fewest open ones."""

    def accept(self, listener):
        if self.nr_conns:
            time.sleep(min(ACCEPT_DELAY * self.nr_conns, ACCEPT_DELAY_MAX))
        super().accept(listener)
