"""The indicators the plans and the ministry's tables ask for, in one registry.

Definitions follow ISO 2789 (TCVN 12843:2019) and ISO 11620 (TCVN 11774:2016) where they
name the figure; `../shared/domain.md` §4 lists where each comes from.
"""

from dataclasses import replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, distinct, func, select

from libsys.extensions import db
from libsys.network.models import Library
from libsys.network.population import is_school, students_of
from libsys.stats.indicators.base import Indicator, merge_groups, ratio
from libsys.stats.indicators.holdings import HOLDINGS_BREAKDOWNS, copies_used, holdings
from libsys.stats.indicators.queries import (
    at_points,
    children_visits,
    detail_number,
    event_figure,
)
from libsys.stats.models import READER_KEY_KINDS, Event

PLACE = ("library", "level", "month")
READER = ("reader_category", "age_group", "gender", "ethnicity", "commune")
COPY = ("store", "class")

COUNT = _l("count")
VISITS = _l("visits")
LOANS = _l("loans")
USES = _l("uses")
COPIES = _l("copies")
TITLES = _l("titles")
READERS = _l("readers")
PERCENT = _l("%")
PER_INHABITANT = _l("per inhabitant")
TIMES = _l("times per copy")


def _events(kinds, **options):
    def compute(figures, breakdown):
        return event_figure(
            kinds,
            figures.period,
            figures.scope,
            breakdown=breakdown,
            per_library=figures.per_library,
            **options,
        )

    return compute


def _holdings(titles: bool):
    def compute(figures, breakdown):
        return holdings(figures.period, figures.scope, titles=titles, breakdown=breakdown)

    return compute


def _per_inhabitant(code: str):
    # Four decimals: a province's 0.003 copies per inhabitant is not 0.
    def compute(figures, breakdown):
        return ratio(figures.value(code), figures.population(), digits=4), {}

    return compute


def _document_uses(figures, breakdown):
    loans, loan_groups = figures.get("loans", breakdown)
    uses, use_groups = figures.get("inhouse_uses", breakdown)
    return loans + uses, merge_groups(loan_groups, use_groups)


def _turnover(figures, breakdown):
    return ratio(figures.value("loans"), figures.value("holdings_copies")), {}


def _stock_not_used(figures, breakdown):
    held = figures.value("holdings_copies")
    if not held:
        return None, {}
    unused = held - copies_used(figures.period, figures.scope, figures)
    return ratio(unused, held, scale=100, digits=1), {}


def _active_share(figures, breakdown):
    return ratio(figures.value("active_readers"), figures.population(), scale=100, digits=2), {}


# Reader categories of learners: a school library's pupils (and its children's cards).
LEARNER_CATEGORIES = ("pupil", "student", "children")


def _students_reached(figures, breakdown):
    """Distinct learners active at the schools in scope (school libraries and points kept in
    a school) whose students that year are known, over those students, in per cent."""
    period, scope = figures.period, figures.scope
    year = period.end.year
    schools = [
        library
        for library in db.session.scalars(select(Library))
        if is_school(library) and (scope.library_ids is None or library.id in scope.library_ids)
    ]
    students = {library.id: students_of(library, year) for library in schools}
    counted = [library_id for library_id, number in students.items() if number]
    if not counted:
        return None, {}
    # count(*) over SELECT DISTINCT: a hash of the keys where count(DISTINCT) sorts them; on
    # ix_event_reader_library_day.
    learners = (
        select(Event.reader_key)
        .distinct()
        .where(
            # Written out, so both databases see the partial index's own condition.
            Event.kind.in_(bindparam("kinds", READER_KEY_KINDS, literal_execute=True)),
            Event.day >= period.start,
            Event.day <= period.end,
            Event.reader_key.is_not(None),
            Event.reader_category.in_(LEARNER_CATEGORIES),
            Event.library_id.in_(counted),
        )
        .subquery()
    )
    reached = db.session.scalar(select(func.count()).select_from(learners))
    return ratio(reached, sum(students[i] for i in counted), scale=100, digits=1), {}


def _children_share(figures, breakdown):
    return ratio(figures.value("children_visits"), figures.value("visits"), scale=100, digits=1), {}


def _visits_growth(figures, breakdown):
    before = figures.for_period(figures.period.same_period_last_year())
    last = before.value("visits")
    if not last:
        return None, {}
    return round((figures.value("visits") - last) * 100 / last, 1), {}


def _points_served(figures, breakdown):
    period, scope = figures.period, figures.scope
    sent = (
        select(Event.details["point"].as_string())
        .where(Event.kind == "batch_dispatched", Event.day >= period.start, Event.day <= period.end)
        .distinct()
    )
    served = (
        select(Library.code)
        .distinct()
        .join(Event, Event.library_id == Library.id)
        .where(
            Event.kind.in_(("point_loan", "point_tally", "point_visit", "batch_received")),
            Event.day >= period.start,
            Event.day <= period.end,
            Library.level == "point",
        )
    )
    if scope.library_ids is not None:
        ids = sorted(scope.library_ids)
        sent = sent.where(Event.library_id.in_(ids))
        served = served.where(Event.library_id.in_(ids))
    codes = set(db.session.scalars(sent)) | set(db.session.scalars(served))
    codes.discard(None)
    return len(codes), {}


def _point_visits(figures, breakdown):
    period, scope = figures.period, figures.scope
    split = {"breakdown": breakdown, "per_library": figures.per_library}
    tallies = detail_number("visits")
    tallied = event_figure(("point_tally",), period, scope, measure=tallies, **split)
    recorded = event_figure(("point_visit",), period, scope, **split)
    desk = event_figure(("visit",), period, scope, where=(at_points(),), **split)
    total = tallied[0] + recorded[0] + desk[0]
    return total, merge_groups(tallied[1], recorded[1], desk[1])


def _exhibitions():
    return {
        "where": (Event.details["activity_kind"].as_string() == "exhibition",),
        "measure": "events",
    }


INDICATOR_LIST = (
    Indicator(
        "visits",
        _l("Visits"),
        VISITS,
        _l(
            "People coming to the library to read, borrow or use its services (lượt bạn đọc): "
            "a reader counts once a day at a library however many loans they make; walk-ins "
            "are counted by tally. Visits at rotation points are point_visits."
        ),
        _events(("visit",)),
        PLACE + READER,
        "ISO 2789 6.2.9",
    ),
    Indicator(
        "loans",
        _l("Loans made"),
        LOANS,
        _l("Copies lent at the desks (initial loans; renewals are not counted again)."),
        _events(("checkout",), measure="events"),
        PLACE + READER + COPY,
        "ISO 2789 6.2.3",
    ),
    Indicator(
        "inhouse_uses",
        _l("In-library uses"),
        USES,
        _l("Copies read in the library and not lent, as recorded at the desk."),
        _events(("inhouse_use",)),
        PLACE + COPY,
        "ISO 2789 6.2.6",
    ),
    Indicator(
        "document_uses",
        _l("Document uses"),
        USES,
        _l("Loans plus in-library uses (lượt tài liệu luân chuyển)."),
        _document_uses,
        PLACE + COPY,
    ),
    Indicator(
        "new_cards",
        _l("New reader cards"),
        READERS,
        _l("Reader cards issued in the period, counted on their issue date."),
        _events(("reader_registered",), measure="events"),
        PLACE + READER,
    ),
    Indicator(
        "active_readers",
        _l("Active readers"),
        READERS,
        _l(
            "Distinct readers who visited, registered, renewed their card or used an online "
            "service in the period (counted by pseudonym, without identity)."
        ),
        _events(READER_KEY_KINDS, measure="readers", where=(Event.reader_key.is_not(None),)),
        PLACE + READER,
        "ISO 2789 6.2.2",
    ),
    Indicator(
        "acquired_copies",
        _l("Copies acquired"),
        COPIES,
        _l("Copies added to the collection in the period (purchase, gift, exchange)."),
        _events(("item_acquired",), measure="events"),
        PLACE + COPY,
        "ISO 2789 6.1.4",
    ),
    Indicator(
        "acquired_titles",
        _l("Titles acquired"),
        TITLES,
        _l("Distinct titles among the copies acquired in the period."),
        _events(("item_acquired",), measure="titles"),
        PLACE + COPY,
    ),
    Indicator(
        "periodical_titles",
        _l("Periodical titles received"),
        TITLES,
        _l("Distinct newspaper and magazine titles of which an issue was received."),
        _events(
            ("periodical_received",),
            aggregate=func.count(distinct(Event.details["periodical_id"].as_integer())),
        ),
        ("library", "level"),
        "ISO 2789 6.1.3",
    ),
    Indicator(
        "holdings_copies",
        _l("Copies held"),
        COPIES,
        _l(
            "Copies in the collection at the end of the period: acquired by then and not "
            "withdrawn by then (a lost copy counts until it is written off)."
        ),
        _holdings(False),
        HOLDINGS_BREAKDOWNS,
        "ISO 2789 6.1.2",
    ),
    Indicator(
        "holdings_titles",
        _l("Titles held"),
        TITLES,
        _l("Distinct titles among the copies held at the end of the period."),
        _holdings(True),
        HOLDINGS_BREAKDOWNS,
    ),
    Indicator(
        "copies_per_inhabitant",
        _l("Copies per inhabitant"),
        PER_INHABITANT,
        _l("Copies held at the end of the period divided by the population served."),
        _per_inhabitant("holdings_copies"),
        standard="ISO 11620 B.1.1.4",
    ),
    Indicator(
        "loans_per_inhabitant",
        _l("Loans per inhabitant"),
        PER_INHABITANT,
        _l("Loans in the period divided by the population served."),
        _per_inhabitant("loans"),
        standard="ISO 11620 B.1.1.3",
    ),
    Indicator(
        "visits_per_inhabitant",
        _l("Visits per inhabitant"),
        PER_INHABITANT,
        _l("Visits in the period divided by the population served."),
        _per_inhabitant("visits"),
        standard="ISO 11620 B.2.2.1",
    ),
    Indicator(
        "document_uses_per_inhabitant",
        _l("Document uses per inhabitant"),
        PER_INHABITANT,
        _l("Loans and in-library uses divided by the population served (publications read)."),
        _per_inhabitant("document_uses"),
    ),
    Indicator(
        "collection_turnover",
        _l("Collection turnover"),
        TIMES,
        _l("Loans in the period divided by the copies held at its end."),
        _turnover,
        standard="ISO 11620 B.2.1.1",
    ),
    Indicator(
        "stock_not_used",
        _l("Share of stock not used"),
        PERCENT,
        _l(
            "Copies held at the end of the period that were neither lent, renewed, used in "
            "the library nor lent at a point during it, as a share of the copies held."
        ),
        _stock_not_used,
        standard="ISO 11620 B.2.1.3",
    ),
    Indicator(
        "active_readers_share",
        _l("Share of the population who are active readers"),
        PERCENT,
        _l("Active readers divided by the population served."),
        _active_share,
        standard="ISO 11620 B.2.2.3",
    ),
    Indicator(
        "students_reached_share",
        _l("Share of students reached"),
        PERCENT,
        _l(
            "Distinct pupils and students active at the school libraries (and rotation "
            "points kept in a school) in the period, divided by the students of those schools "
            "that year; schools whose students are not entered are left out of both."
        ),
        _students_reached,
    ),
    Indicator(
        "children_visits",
        _l("Children's visits"),
        VISITS,
        _l("Visits by children (cards of a children's category and children's tallies)."),
        _events(("visit",), measure=children_visits()),
        PLACE,
    ),
    Indicator(
        "children_share",
        _l("Children's share of visits"),
        PERCENT,
        _l("Children's visits as a share of all visits."),
        _children_share,
    ),
    Indicator(
        "visits_growth",
        _l("Growth of visits"),
        PERCENT,
        _l("Visits compared with the same days a year earlier, as a percentage change."),
        _visits_growth,
    ),
    Indicator(
        "rotation_points_served",
        _l("Rotation points served"),
        COUNT,
        _l(
            "Rotation points that received a batch in the period or recorded loans, visits "
            "or a tally from one."
        ),
        _points_served,
    ),
    Indicator(
        "rotation_batches",
        _l("Rotation batches dispatched"),
        COUNT,
        _l("Batches of copies sent to rotation points in the period."),
        _events(
            ("batch_dispatched",),
            aggregate=func.count(distinct(Event.details["batch"].as_integer())),
        ),
        PLACE,
    ),
    Indicator(
        "rotated_copies",
        _l("Copies rotated"),
        COPIES,
        _l("Copies sent to rotation points in the period (a copy sent twice counts twice)."),
        _events(("batch_dispatched",), measure="events"),
        PLACE + COPY,
    ),
    Indicator(
        "point_visits",
        _l("Visits at rotation points"),
        VISITS,
        _l("Visits the point keepers tallied or recorded, and visits counted at a point's desk."),
        _point_visits,
        PLACE,
    ),
    Indicator(
        "point_uses",
        _l("Uses at rotation points"),
        USES,
        _l("Copies lent at rotation points plus the uses their keepers tallied."),
        _events(("point_loan", "point_tally")),
        PLACE,
    ),
    Indicator(
        "point_lost_copies",
        _l("Copies lost at rotation points"),
        COPIES,
        _l("Copies missing when a rotation batch was closed in the period."),
        _events(("batch_closed",), measure=detail_number("counts", "missing")),
        PLACE,
    ),
    Indicator(
        "exhibitions",
        _l("Exhibitions"),
        COUNT,
        _l("Themed exhibitions (trưng bày) held in the period."),
        _events(("activity",), **_exhibitions()),
        PLACE,
    ),
    Indicator(
        "activity_participants",
        _l("Participants in activities"),
        COUNT,
        _l("People taking part in exhibitions, book talks, contests, reading days and trainings."),
        _events(("activity",), measure=detail_number("participants")),
        PLACE,
    ),
)

# Sums over events: closed months are read from their frozen snapshot (stats.months).
ADDITIVE = {
    "visits", "children_visits", "loans", "inhouse_uses", "new_cards", "acquired_copies",
    "rotated_copies", "point_visits", "point_uses", "point_lost_copies", "exhibitions",
    "activity_participants",
}  # fmt: skip
INDICATOR_LIST = tuple(
    replace(indicator, additive=indicator.code in ADDITIVE) for indicator in INDICATOR_LIST
)
INDICATORS: dict[str, Indicator] = {indicator.code: indicator for indicator in INDICATOR_LIST}
