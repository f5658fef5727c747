"""An export asked for from the staff pages: what was asked, its progress and its file."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.accounts.models import User
from libsys.db import utcnow
from libsys.extensions import db

EXPORT_STATES = ("queued", "running", "done", "failed")
EXPORT_FORMATS = ("xlsx", "csv", "pdf")


class ExportJob(db.Model):
    """One statistics export run by the worker: queued, running (done of total steps),
    done with its file in the data dir (DATA_DIR/exports/<id>.<format>), or failed and why."""

    __tablename__ = "stat_export_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    period: Mapped[str] = mapped_column(String(40))
    library_code: Mapped[str | None] = mapped_column(String(20))
    level: Mapped[str | None] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    filename: Mapped[str | None] = mapped_column(String(200))  # offered to the browser
    content_type: Mapped[str | None] = mapped_column(String(100))
    path: Mapped[str | None] = mapped_column(String(500))  # where the file is kept
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()
