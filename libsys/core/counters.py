"""Counters (numbers handed out one by one): each value is taken by one atomic UPDATE.

A number chosen as "the highest in use, plus one" is the same for two requests at once,
so the second fails on the unique index. A counter row is changed by
`UPDATE ... SET value = value + 1 ... RETURNING value`: the database hands each request its
own value, on PostgreSQL with several workers as on SQLite.
"""

from collections.abc import Callable

from sqlalchemy import String, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from libsys.extensions import db


class Counter(db.Model):
    """The last value handed out under a name (e.g. the card numbers with one prefix)."""

    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


def next_value(name: str, start: Callable[[], int]) -> int:
    """Take the next value of the counter `name`; a new counter starts after `start()`.

    `start` reads what is already in use (numbers from before the counter existed, or typed
    in by hand) once, when the counter is first used.
    """
    counter = Counter.__table__
    if db.session.scalar(select(counter.c.value).where(counter.c.name == name)) is None:
        dialect = db.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        # Two first uses at once: one row is written, the other insert does nothing.
        db.session.execute(
            insert(counter).values(name=name, value=start()).on_conflict_do_nothing()
        )
    return db.session.execute(
        update(counter)
        .where(counter.c.name == name)
        .values(value=counter.c.value + 1)
        .returning(counter.c.value)
    ).scalar_one()
