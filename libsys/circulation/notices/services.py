"""Overdue notices and hold-available notifications: lists, letters (PDF), e-mail.

What was sent is remembered in NoticeLog, one row per loan and notice level or per hold,
under a unique key, so neither the daily job nor a librarian ever notifies the same thing
twice. The log stores no reader: the loan or hold it points to says who, for as long as
the library keeps that link (a returned loan forgets its reader, and so does its notice).

Overdue notice levels come from OVERDUE_NOTICE_DAYS (default 1 and 14 days overdue): a
loan gets the first notice once one day late and a reminder two weeks later.
"""

import contextlib
import smtplib
from collections import OrderedDict
from datetime import date
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer, Table
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from libsys.circulation.holds.models import Hold
from libsys.circulation.holds.services import expire_holds
from libsys.circulation.loans.services import overdue_loans
from libsys.circulation.notices.models import NoticeLog
from libsys.core.clock import local_today
from libsys.core.formats import format_day
from libsys.core.pdf import build_pdf, grid_style, paragraph, vietnamese_font
from libsys.db import utcnow
from libsys.extensions import db

NOTICE_KINDS = ("overdue", "hold_available")


NOTICE_CHANNELS = ("email", "letter", "phone")


DEFAULT_OVERDUE_NOTICE_DAYS = (1, 14)


def notice_thresholds() -> tuple[int, ...]:
    """Days overdue at which each notice level is due (configurable per province)."""
    days = current_app.config.get("OVERDUE_NOTICE_DAYS") or DEFAULT_OVERDUE_NOTICE_DAYS
    return tuple(sorted(int(d) for d in days))


def notice_level(loan, today: date) -> int:
    """The notice level a loan has reached: how many thresholds its lateness passed."""
    late = loan.overdue_days(today)
    return sum(1 for threshold in notice_thresholds() if late >= threshold)


def _logged_keys(kind: str, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    found: set[str] = set()
    # Chunks keep the IN list within every database's parameter limit.
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            db.session.scalars(
                select(NoticeLog.subject_key).where(
                    NoticeLog.kind == kind, NoticeLog.subject_key.in_(chunk)
                )
            )
        )
    return found


def loan_key(loan, level: int) -> str:
    """The NoticeLog key of a loan's notice at a level."""
    return f"loan:{loan.id}:{level}"


def hold_key(hold) -> str:
    """The NoticeLog key of a hold-available notice."""
    return f"hold:{hold.id}"


class ReaderOverdues:
    """A reader's overdue loans at one library, and which of them are due a new notice."""

    def __init__(self, reader):
        self.reader = reader
        self.loans: list = []
        self.due_notice: list[tuple] = []  # (loan, level) not notified yet at that level

    @property
    def needs_notice(self) -> bool:
        """Whether a notice is due for at least one of the loans."""
        return bool(self.due_notice)


def overdues_by_reader(library=None, today: date | None = None) -> list[ReaderOverdues]:
    """Overdue loans grouped by reader (oldest due first), marking what still needs a notice."""
    today = today or local_today()
    groups: OrderedDict[int, ReaderOverdues] = OrderedDict()
    loans = [loan for loan in overdue_loans(library, today) if loan.reader is not None]
    candidates = []
    for loan in loans:
        group = groups.setdefault(loan.reader_id, ReaderOverdues(loan.reader))
        group.loans.append(loan)
        level = notice_level(loan, today)
        if level > 0:
            candidates.append((group, loan, level))
    logged = _logged_keys("overdue", [loan_key(loan, level) for _g, loan, level in candidates])
    for group, loan, level in candidates:
        if loan_key(loan, level) not in logged:
            group.due_notice.append((loan, level))
    return list(groups.values())


def log_notice(
    kind: str,
    subject_key: str,
    channel: str,
    *,
    library_id=None,
    loan=None,
    hold=None,
    level: int = 1,
    user_id=None,
    note=None,
) -> bool:
    """Remember a notice; False (and nothing written) when it was already sent."""
    entry = NoticeLog(
        kind=kind,
        subject_key=subject_key,
        channel=channel,
        library_id=library_id,
        loan_id=getattr(loan, "id", None),
        hold_id=getattr(hold, "id", None),
        level=level,
        sent_on=local_today(),
        user_id=user_id,
        note=note,
    )
    try:
        # The unique key decides between two senders at the same moment.
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        return False
    return True


def record_overdue_notice(group: ReaderOverdues, channel: str, *, user_id=None) -> int:
    """Log the notices due for a reader's loans (sent by `channel`); returns how many."""
    today = local_today()
    logged = 0
    for loan, level in group.due_notice:
        if log_notice(
            "overdue",
            loan_key(loan, level),
            channel,
            library_id=loan.library_id,
            loan=loan,
            level=level,
            user_id=user_id,
        ):
            loan.notices_sent = max(loan.notices_sent or 0, level)
            loan.last_notice_on = today
            logged += 1
    group.due_notice = []
    db.session.flush()
    return logged


def holds_to_notify(library=None) -> list:
    """Holds on a hold shelf whose reader has not been told yet, the soonest expiry first."""
    query = (
        select(Hold)
        # The call list shows each reader, the title and the copy: one query, not one each.
        .options(joinedload(Hold.reader), joinedload(Hold.record), joinedload(Hold.item))
        .where(Hold.status == "on_shelf", Hold.notified_at.is_(None))
    )
    if library is not None:
        query = query.where(Hold.pickup_library_id == getattr(library, "id", library))
    return list(db.session.scalars(query.order_by(Hold.shelf_expires_on, Hold.id)))


def record_hold_notice(hold, channel: str, *, user_id=None) -> bool:
    """Remember that the reader was told the copy waits; False if already told."""
    if not log_notice(
        "hold_available",
        hold_key(hold),
        channel,
        library_id=hold.pickup_library_id,
        hold=hold,
        user_id=user_id,
    ):
        return False
    hold.notified_at = utcnow()
    db.session.flush()
    return True


def smtp_configured() -> bool:
    """Whether an SMTP server is configured (SMTP_HOST, from LIBSYS_SMTP_HOST)."""
    return bool(current_app.config.get("SMTP_HOST"))


class Mailer:
    """One SMTP connection for a batch of messages (opened at the first message)."""

    def __init__(self):
        self.connection: smtplib.SMTP | None = None
        self.failures: list[str] = []

    def send(self, to: str, subject: str, body: str) -> bool:
        """Send one plain-text message; False (and the failure remembered) when it fails."""
        config = current_app.config
        message = EmailMessage()
        message["From"] = config.get("SMTP_SENDER") or "libsys@localhost"
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        try:
            if self.connection is None:
                self.connection = smtplib.SMTP(
                    config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=20
                )
                if config.get("SMTP_STARTTLS"):
                    self.connection.starttls()
                if config.get("SMTP_USERNAME"):
                    self.connection.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD", ""))
            self.connection.send_message(message)
            return True
        except (smtplib.SMTPException, OSError) as exc:
            self.failures.append(f"{to}: {exc}")
            self.close()
            return False

    def close(self) -> None:
        """Say goodbye to the server."""
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.quit()
            self.connection = None


def _reader_locale(reader) -> str:
    return reader.language if reader.language in current_app.config["LANGUAGES"] else "vi"


def overdue_email(group: ReaderOverdues, today: date) -> tuple[str, str]:
    """Subject and body of a reader's overdue notice, in the reader's language."""
    reader = group.reader
    with force_locale(_reader_locale(reader)):
        library = group.loans[0].library
        subject = _("Overdue notice from %(library)s", library=library.name)
        body = render_template(
            "circulation/notices/overdue_email.html",
            reader=reader,
            loans=group.loans,
            library=library,
            today=today,
        )
    return subject, body


def hold_email(hold) -> tuple[str, str]:
    """Subject and body of a hold-available notice, in the reader's language."""
    with force_locale(_reader_locale(hold.reader)):
        subject = _(
            "Your reserved book is waiting at %(library)s", library=hold.pickup_library.name
        )
        body = render_template("circulation/notices/hold_email.html", hold=hold)
    return subject, body


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = vietnamese_font(), vietnamese_font(bold=True)
    return {
        "normal": ParagraphStyle("n", fontName=regular, fontSize=11, leading=15),
        "small": ParagraphStyle("s", fontName=regular, fontSize=9.5, leading=12),
        "head": ParagraphStyle("h", fontName=bold, fontSize=11, leading=14),
        "title": ParagraphStyle(
            "t", fontName=bold, fontSize=14, leading=18, alignment=TA_CENTER, spaceAfter=6
        ),
        "right": ParagraphStyle("r", fontName=regular, fontSize=11, leading=15, alignment=TA_RIGHT),
        "sign": ParagraphStyle("g", fontName=bold, fontSize=11, leading=15, alignment=TA_RIGHT),
    }


def overdue_letters_pdf(groups: list[ReaderOverdues], library, today: date) -> bytes:
    """One A4 letter per reader listing the overdue copies (Vietnamese letter text)."""
    styles = _styles()
    story: list = []
    for index, group in enumerate(groups):
        if index:
            story.append(PageBreak())
        story.extend(_letter(group, library, today, styles))
    if not story:
        story.append(paragraph(_("No overdue loans."), styles["normal"]))
    return build_pdf(
        story, title=_("Overdue notices"), margins=(20 * mm, 20 * mm, 18 * mm, 18 * mm)
    )


def _letter(group: ReaderOverdues, library, today: date, styles) -> list:
    reader = group.reader
    library = library or group.loans[0].library
    parts = [paragraph(library.name.upper(), styles["head"])]
    contact = " · ".join(filter(None, [library.address, library.phone, library.email]))
    if contact:
        parts.append(paragraph(contact, styles["small"]))
    parts += [
        Spacer(1, 4 * mm),
        paragraph(
            _(
                "Day %(day)s month %(month)s year %(year)s",
                day=f"{today.day:02d}",
                month=f"{today.month:02d}",
                year=today.year,
            ),
            styles["right"],
        ),  # fmt: skip
        Spacer(1, 6 * mm),
        paragraph(_("OVERDUE NOTICE"), styles["title"]),
        paragraph(
            _(
                "To reader: %(name)s (card number %(card)s)",
                name=reader.full_name,
                card=reader.card_number,
            ),
            styles["normal"],
        ),  # fmt: skip
    ]
    address = ", ".join(
        filter(None, [reader.address, reader.admin_unit.path() if reader.admin_unit else None])
    )
    if address:
        parts.append(paragraph(_("Address: %(address)s", address=address), styles["normal"]))
    if reader.category.is_children and reader.guardian_name:
        parts.append(
            paragraph(
                _("Parent or guardian: %(name)s", name=reader.guardian_name), styles["normal"]
            )
        )
    parts += [
        Spacer(1, 4 * mm),
        paragraph(
            _(
                "According to the library's records, the documents below that you borrowed are "
                "past their due date. Please bring them back to the library as soon as you can, "
                "or come to renew them."
            ),
            styles["normal"],
        ),  # fmt: skip
        Spacer(1, 4 * mm),
        _loan_table(group.loans, today, styles),
        Spacer(1, 4 * mm),
        paragraph(
            _("If you have returned them already, please ignore this letter. Thank you."),
            styles["normal"],
        ),
        Spacer(1, 8 * mm),
        paragraph(_("THE LIBRARY"), styles["sign"]),
    ]
    return parts


def _loan_table(loans, today: date, styles) -> Table:
    header = [_("No."), _("Barcode"), _("Title"), _("Due date"), _("Days overdue")]
    rows = [[paragraph(h, styles["head"]) for h in header]]
    for number, loan in enumerate(loans, 1):
        rows.append(
            [
                paragraph(number, styles["small"]),
                paragraph(loan.item.barcode, styles["small"]),
                paragraph(loan.item.record.title, styles["small"]),
                paragraph(format_day(loan.due_date), styles["small"]),
                paragraph(loan.overdue_days(today), styles["small"]),
            ]
        )
    # "STT" in bold with the cells' padding needs about 12.5 mm: narrower wraps it as "ST/T".
    table = Table(rows, colWidths=[14 * mm, 28 * mm, 76 * mm, 24 * mm, 28 * mm], repeatRows=1)
    table.setStyle(grid_style(header=True, colour=colors.grey))
    return table


def send_overdue_emails(library=None, *, mailer: Mailer, today: date | None = None) -> dict:
    """E-mail each reader with an e-mail address whose overdue loans are due a notice."""
    today = today or local_today()
    counts = {"emailed": 0, "loans": 0, "letters_to_print": 0}
    for group in overdues_by_reader(library, today):
        if not group.needs_notice:
            continue
        if not group.reader.email:
            counts["letters_to_print"] += 1
            continue
        subject, body = overdue_email(group, today)
        if mailer.send(group.reader.email, subject, body):
            counts["loans"] += record_overdue_notice(group, "email")
            counts["emailed"] += 1
    return counts


def send_hold_emails(library=None, *, mailer: Mailer) -> dict:
    """E-mail readers whose reserved copy waits on the shelf; the rest go on the call list."""
    counts = {"emailed": 0, "to_call": 0}
    for hold in holds_to_notify(library):
        if not hold.reader.email:
            counts["to_call"] += 1
            continue
        subject, body = hold_email(hold)
        if mailer.send(hold.reader.email, subject, body):
            record_hold_notice(hold, "email")
            counts["emailed"] += 1
        else:
            counts["to_call"] += 1
    return counts


def run_daily(today: date | None = None) -> list[str]:
    """Expire holds past their shelf date, send overdue and hold notices; lines saying what."""
    today = today or local_today()
    lines = [f"holds expired: {expire_holds(today)}"]
    if not smtp_configured():
        lines.append("e-mail: LIBSYS_SMTP_HOST not set, no e-mail sent")
        waiting = sum(1 for g in overdues_by_reader(None, today) if g.needs_notice)
        lines.append(f"overdue notices to print: {waiting} readers")
        lines.append(f"hold notices to phone: {len(holds_to_notify())}")
        return lines
    mailer = Mailer()
    try:
        overdue = send_overdue_emails(mailer=mailer, today=today)
        holds = send_hold_emails(mailer=mailer)
    finally:
        mailer.close()
    lines.append(
        f"overdue notices e-mailed: {overdue['emailed']} readers ({overdue['loans']} loans)"
    )
    lines.append(f"overdue notices to print (no e-mail address): {overdue['letters_to_print']}")
    lines.append(f"hold notices e-mailed: {holds['emailed']}")
    lines.append(f"hold notices to phone: {holds['to_call']}")
    for failure in mailer.failures:
        lines.append(f"e-mail failed: {failure}")
    return lines
