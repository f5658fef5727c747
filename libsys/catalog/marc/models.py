"""The MARC import's table: a file uploaded from the staff pages and its job's state."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from libsys.db import utcnow
from libsys.extensions import db
from libsys.network.models import Library

# The counts of an import, as the CLI prints them with --json and the upload page shows them.
IMPORT_COUNTS = ("read", "created", "matched", "rejected", "items_created", "items_skipped")
IMPORT_JOB_STATES = ("uploaded", "queued", "running", "done", "failed")


class ImportJob(db.Model):
    """A MARC file uploaded from the staff pages: its preview, progress and summary."""

    __tablename__ = "import_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(300))  # as the user named it
    path: Mapped[str] = mapped_column(String(500))  # where it is kept under UPLOAD_DIR
    library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"))
    match_policy: Mapped[str] = mapped_column(String(10), default="skip")
    state: Mapped[str] = mapped_column(String(20), default="uploaded")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # Records a permissive reading finds in the file: the progress bar's 100 %.
    total: Mapped[int] = mapped_column(default=0)
    read: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    items_created: Mapped[int] = mapped_column(default=0)
    # Item fields (952 ...) that did not become copies; their reasons in `outcome`.
    items_skipped: Mapped[int] = mapped_column(default=0)
    # Koha branch codes (952 $a) -> codes of libraries here, as chosen before the import.
    branch_map: Mapped[dict | None] = mapped_column(JSON)
    # What the page lists at the end: the records created (their ids), the first matches
    # and the first copies not created ({"created_ids", "matches", "skipped_items"}).
    outcome: Mapped[dict | None] = mapped_column(JSON)
    # The first rejections ([{position, offset, control_number, reason}]) for the page.
    rejections: Mapped[list | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # The worker running the job ("host:pid") and when it last wrote progress: a job left
    # running by a worker that stopped is taken up again (libsys/catalog/marc/import_jobs.py).
    worker: Mapped[str | None] = mapped_column(String(100))
    heartbeat_at: Mapped[datetime | None]

    library: Mapped[Library | None] = relationship()

    def summary(self) -> dict:
        """The import summary, as the CLI prints it."""
        return {name: getattr(self, name) for name in IMPORT_COUNTS}
