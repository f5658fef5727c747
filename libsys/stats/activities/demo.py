"""Demo activities (exhibitions, a book talk, a reading day, a contest, a training) and the
population served year by year, for the statistics' indicators."""

from datetime import date, timedelta

from sqlalchemy import select

from libsys.accounts.models import User
from libsys.extensions import db
from libsys.network.models import AdminUnit
from libsys.network.population import save_population
from libsys.stats.activities.services import record_activity

# (days before today, library, kind, title, participants, children)
ACTIVITIES = (
    (150, "TVLC", "exhibition", "Trưng bày sách chuyên đề Chủ tịch Hồ Chí Minh", 420, 130),
    (95, "TVLC", "contest", "Cuộc thi Đại sứ Văn hóa đọc", 260, 190),
    (60, "TVTD", "book_talk", "Giới thiệu sách về biển, đảo Việt Nam", 85, 40),
    (40, "TVTD", "exhibition", "Trưng bày ảnh và sách về Lai Châu", 150, 60),
    (20, "TVPT", "training", "Tập huấn nghiệp vụ cho cán bộ điểm Bưu điện - Văn hóa xã", 24, 0),
    (7, "TVTD", "exhibition", "Trưng bày sách thiếu nhi tại Trường THCS Bình Lư", 310, 290),
)
# Students of the demo's school libraries (this year).
STUDENTS = {"THCSBL": 640, "THTD": 520}


def _reading_day(today: date) -> date:
    """The latest 21 April (Ngày Sách và Văn hóa đọc Việt Nam) up to today."""
    day = date(today.year, 4, 21)
    return day if day <= today else date(today.year - 1, 4, 21)


def load_demo(context) -> list[str]:
    """Activities at the provincial and district libraries; two years of population."""
    today, libraries = context["today"], context["libraries"]
    user = db.session.scalar(select(User).where(User.username == "admin"))
    if user is None or "TVLC" not in libraries:
        return []
    count = 0
    for days, code, kind, title, participants, children in ACTIVITIES:
        if code in libraries:
            record_activity(user, library=libraries[code], day=today - timedelta(days=days),
                            kind=kind, title=title, participants=participants,
                            children=children)  # fmt: skip
            count += 1
    record_activity(user, library=libraries["TVLC"], day=_reading_day(today), kind="reading_day",
                    title="Ngày Sách và Văn hóa đọc Việt Nam 21/4", participants=1_200,
                    children=700)  # fmt: skip
    # Last year's census a little lower: the year keeps its own denominators.
    for unit in db.session.scalars(select(AdminUnit).where(AdminUnit.population.is_not(None))):
        population, children = unit.population, unit.children_population
        save_population(unit, today.year - 1, population=round(population * 0.98),
                        children=round((children or 0) * 0.98))  # fmt: skip
        save_population(unit, today.year, population=population, children=children)
    for code, students in STUDENTS.items():
        if code in libraries:
            save_population(libraries[code], today.year, students=students)
    return [f"activities: {count + 1}", "population served: last year and this year"]
