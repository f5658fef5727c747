"""The visit rule: one visit per reader per day per library; anonymous tallies by category."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from libsys.circulation.errors import DeskRefusal
from libsys.circulation.visits.models import Visit
from libsys.circulation.visits.services import ensure_visit, record_visit, visits_today
from libsys.extensions import db
from libsys.stats.models import Event
from tests.circulation.conftest import adult, library


def test_one_visit_per_reader_per_day_per_library(tvlc):
    reader = adult()
    first = record_visit(tvlc, reader)
    assert record_visit(tvlc, reader).id == first.id
    assert ensure_visit(reader, tvlc).id == first.id
    assert db.session.scalar(select(func.count(Event.id)).where(Event.kind == "visit")) == 1
    other = record_visit(library("TVTD"), reader)
    assert other.id != first.id


def test_the_database_refuses_a_second_reader_visit(tvlc, today):
    reader = adult()
    record_visit(tvlc, reader)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(Visit(library_id=tvlc.id, reader_id=reader.id, day=today))
        db.session.flush()


def test_anonymous_tallies(tvlc):
    record_visit(tvlc, count=3, category="children")
    record_visit(tvlc, count=2, category="adults")
    record_visit(tvlc, adult())
    assert visits_today(tvlc) == {"readers": 1, "children": 3, "adults": 3, "total": 6}
    tally = db.session.scalar(select(Event).where(Event.kind == "visit", Event.quantity == 3))
    assert tally.reader_category == "children" and tally.reader_key is None
    with pytest.raises(DeskRefusal):
        record_visit(tvlc, count=0, category="adults")
