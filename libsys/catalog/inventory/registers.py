"""The acquisition registers: general (sổ đăng ký tổng quát) and individual (sổ đăng ký cá biệt).

The general register has one line per incoming batch and one per removal (a withdrawal's
minutes); the individual register one line per copy in accession-number order. Both are
kept per library (optionally one store) over a period and downloaded as xlsx or PDF.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Spacer
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from libsys.catalog.inventory.models import WithdrawnCopy
from libsys.catalog.models import SOURCE_LABELS, AcquisitionBatch, Item
from libsys.core.formats import format_day, format_number
from libsys.core.pdf import build_pdf, grid_style, paragraph, vietnamese_font
from libsys.core.spreadsheets import table_xlsx
from libsys.extensions import db
from libsys.network.models import Library, Store


@dataclass
class GeneralLine:
    """A line of the general register: a batch in (copies, value) or a removal (out)."""

    number: int
    day: date
    reference: str
    source: str
    copies_in: int
    value_in: int
    copies_out: int
    value_out: int
    notes: str


@dataclass
class IndividualLine:
    """A line of the individual register: one copy."""

    number: int
    accession_number: str
    day: date | None
    title_author: str
    publisher_year: str
    price: int | None
    call_number: str
    batch_reference: str
    notes: str


def _period(start: date | None, end: date | None) -> tuple[date, date]:
    return start or date(1900, 1, 1), end or date(9999, 12, 31)


def general_register(
    library: Library, *, store: Store | None = None, start=None, end=None
) -> list[GeneralLine]:
    """The general register's lines for a library (one store or all) over a period."""
    first, last = _period(start, end)
    batches = db.session.scalars(
        select(AcquisitionBatch)
        .where(
            AcquisitionBatch.library_id == library.id,
            AcquisitionBatch.received_on.between(first, last),
        )
        .order_by(AcquisitionBatch.received_on, AcquisitionBatch.id)
    ).all()
    incoming = select(Item.batch_id, func.count(Item.id), func.coalesce(func.sum(Item.price), 0))
    outgoing = (
        select(WithdrawnCopy.batch_id, func.count(WithdrawnCopy.id))
        .add_columns(func.coalesce(func.sum(WithdrawnCopy.price), 0))
        .join(Item, Item.id == WithdrawnCopy.item_id)
    )
    if store is not None:
        incoming = incoming.where(Item.store_id == store.id)
        outgoing = outgoing.where(Item.store_id == store.id)
    ids = [batch.id for batch in batches]
    totals_in = {
        row[0]: (row[1], int(row[2]))
        for row in db.session.execute(
            incoming.where(Item.batch_id.in_(ids)).group_by(Item.batch_id)
        )
    }
    totals_out = {
        row[0]: (row[1], int(row[2]))
        for row in db.session.execute(
            outgoing.where(WithdrawnCopy.batch_id.in_(ids)).group_by(WithdrawnCopy.batch_id)
        )
    }
    lines = []
    for batch in batches:
        copies_in, value_in = totals_in.get(batch.id, (0, 0))
        copies_out, value_out = totals_out.get(batch.id, (0, 0))
        if store is not None and not copies_in and not copies_out:
            continue  # a batch that brought nothing to this store is not on its register
        source = str(SOURCE_LABELS.get(batch.source, batch.source or ""))
        if batch.supplier:
            source = f"{source}: {batch.supplier}" if source else batch.supplier
        lines.append(
            GeneralLine(
                number=len(lines) + 1,
                day=batch.received_on,
                reference=batch.reference or "",
                source=source,
                copies_in=copies_in,
                value_in=value_in,
                copies_out=copies_out,
                value_out=value_out,
                notes=batch.notes or "",
            )
        )
    lines.extend(_copies_without_batch(library, store, first, last))
    lines.sort(key=lambda line: line.day)  # stable: a day's batches first
    for number, line in enumerate(lines, start=1):
        line.number = number
    return lines


def _copies_without_batch(
    library: Library, store: Store | None, first: date, last: date
) -> list[GeneralLine]:
    """Copies entered with no batch or voucher (from the forms, or imported), one line per
    day and source, so that the general register counts every copy the individual one has."""
    query = (
        select(Item.acquired_on, Item.source, func.count(Item.id))
        .add_columns(func.coalesce(func.sum(Item.price), 0))
        .where(
            Item.library_id == library.id,
            Item.batch_id.is_(None),
            Item.acquired_on.between(first, last),
        )
        .group_by(Item.acquired_on, Item.source)
        .order_by(Item.acquired_on, Item.source)
    )
    if store is not None:
        query = query.where(Item.store_id == store.id)
    return [
        GeneralLine(
            number=0,
            day=day,
            reference="",
            source=str(SOURCE_LABELS.get(source, source or "")),
            copies_in=copies,
            value_in=int(value),
            copies_out=0,
            value_out=0,
            notes=_("Copies entered without a voucher or batch"),
        )
        for day, source, copies, value in db.session.execute(query)
    ]


def individual_register(
    library: Library, *, store: Store | None = None, start=None, end=None
) -> list[IndividualLine]:
    """The individual register's lines: every copy entered in the period, by accession number."""
    first, last = _period(start, end)
    # A copy's register date is its acquisition date, else the day it was entered.
    entered_from = datetime.combine(first, time.min)
    entered_to = datetime.combine(last, time.min) + timedelta(days=1) if last.year < 9999 else None
    entered = [Item.acquired_on.is_(None), Item.created_at >= entered_from]
    if entered_to is not None:
        entered.append(Item.created_at < entered_to)
    query = (
        select(Item)
        .where(
            Item.library_id == library.id,
            or_(Item.acquired_on.between(first, last), and_(*entered)),
        )
        .options(joinedload(Item.record), joinedload(Item.batch))
        .order_by(Item.accession_number)
    )
    if store is not None:
        query = query.where(Item.store_id == store.id)
    items = db.session.scalars(query).all()
    removals = {
        copy.item_id: copy
        for copy in db.session.scalars(
            select(WithdrawnCopy)
            .where(WithdrawnCopy.item_id.in_([item.id for item in items]))
            .options(joinedload(WithdrawnCopy.batch))
        )
    }
    lines = []
    for item in items:
        record = item.record
        author = record.responsibility or (record.author_list[0] if record.author_list else "")
        title = f"{record.title} / {author}" if author else record.title
        imprint = ", ".join(str(part) for part in (record.publisher, record.year) if part)
        notes = [item.notes] if item.notes else []
        if item.status == "withdrawn":
            removal = removals.get(item.id)
            reference = removal.batch.reference if removal and removal.batch.reference else ""
            withdrawn = _("Withdrawn %(day)s", day=format_day(item.withdrawn_on))
            if reference:
                withdrawn += f" ({reference})"
            if item.withdrawal_reason:
                withdrawn += f": {item.withdrawal_reason}"
            notes.append(withdrawn)
        lines.append(
            IndividualLine(
                number=len(lines) + 1,
                accession_number=item.accession_number,
                day=item.acquired_on or item.created_at.date(),
                title_author=title,
                publisher_year=imprint,
                price=item.price,
                call_number=item.call_number or "",
                batch_reference=(item.batch.reference or "") if item.batch else "",
                notes="; ".join(notes),
            )
        )
    return lines


# --- Export: the same table as xlsx or PDF -----------------------------------------------


@dataclass
class RegisterTable:
    """A register ready to print: title, the library/period line, headers, widths, rows."""

    title: str
    subtitle: str
    headers: list[str]
    widths: list[int]  # characters, for xlsx; PDF widths are proportional
    rows: list[list]  # cells: str, int (VND amounts or counts) or date
    money_columns: tuple[int, ...] = ()
    total_row: list | None = None


def _subtitle(library: Library, store: Store | None, start, end) -> str:
    place = library.name + (f" · {store.name} ({store.code})" if store else "")
    if start or end:
        period = _("from %(start)s to %(end)s", start=format_day(start), end=format_day(end))
        return f"{place} · {period}"
    return place


def general_table(library, *, store=None, start=None, end=None) -> RegisterTable:
    """The general register as a table."""
    lines = general_register(library, store=store, start=start, end=end)
    rows = [
        [
            line.number,
            line.day,
            line.reference,
            line.source,
            line.copies_in or "",
            line.value_in if line.copies_in else "",
            line.copies_out or "",
            line.value_out if line.copies_out else "",
            line.notes,
        ]
        for line in lines
    ]
    total = [
        "",
        "",
        _("Total"),
        "",
        sum(line.copies_in for line in lines),
        sum(line.value_in for line in lines),
        sum(line.copies_out for line in lines),
        sum(line.value_out for line in lines),
        "",
    ]
    return RegisterTable(
        title=_("General register"),
        subtitle=_subtitle(library, store, start, end),
        headers=[
            _("No."),
            _("Date"),
            _("Reference"),
            _("Source"),
            _("Copies in"),
            _("Value in (VND)"),
            _("Copies removed"),
            _("Value removed (VND)"),
            _("Notes"),
        ],
        widths=[7, 14, 16, 28, 10, 16, 10, 16, 30],
        rows=rows,
        money_columns=(5, 7),
        total_row=total,
    )


def individual_table(library, *, store=None, start=None, end=None) -> RegisterTable:
    """The individual register as a table."""
    lines = individual_register(library, store=store, start=start, end=end)
    rows = [
        [
            line.number,
            line.accession_number,
            line.day,
            line.title_author,
            line.publisher_year,
            line.price if line.price is not None else "",
            line.call_number,
            line.batch_reference,
            line.notes,
        ]
        for line in lines
    ]
    return RegisterTable(
        title=_("Individual register"),
        subtitle=_subtitle(library, store, start, end),
        headers=[
            _("No."),
            _("Accession number"),
            _("Date entered"),
            _("Title / author"),
            _("Publisher, year"),
            _("Price (VND)"),
            _("Call number"),
            _("Batch"),
            _("Notes"),
        ],
        widths=[7, 14, 14, 44, 26, 12, 20, 14, 30],
        rows=rows,
        money_columns=(5,),
    )


def table_to_xlsx(table: RegisterTable) -> bytes:
    """The table as an xlsx workbook: title row, library/period row, headers, lines."""
    return table_xlsx(
        table.title,
        table.subtitle,
        table.headers,
        table.rows,
        widths=table.widths,
        money_columns=table.money_columns,
        total_row=table.total_row,
    )


def _cell_text(value, money: bool) -> str:
    if isinstance(value, date):
        return format_day(value)
    if money and isinstance(value, int):
        return format_number(value)
    return "" if value is None else str(value)


def table_to_pdf(table: RegisterTable) -> bytes:
    """The table as an A4 landscape PDF with a Vietnamese font and page numbers."""
    font, bold = vietnamese_font(), vietnamese_font(bold=True)
    title_style = ParagraphStyle("title", fontName=bold, fontSize=14, leading=18, alignment=1)
    sub_style = ParagraphStyle("sub", fontName=font, fontSize=10, leading=13, alignment=1)
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10)
    head_style = ParagraphStyle("head", fontName=bold, fontSize=8, leading=10, alignment=1)

    def para(text, style=cell_style):
        return paragraph(text, style)

    page_width = landscape(A4)[0] - 20 * mm
    scale = page_width / sum(table.widths)
    data = [[para(str(h), head_style) for h in table.headers]]
    rows = list(table.rows) + ([table.total_row] if table.total_row else [])
    for row in rows:
        data.append([para(_cell_text(v, i in table.money_columns)) for i, v in enumerate(row)])
    grid = LongTable(data, colWidths=[w * scale for w in table.widths], repeatRows=1)
    grid.setStyle(grid_style(header=True))
    story = [para(table.title, title_style), para(table.subtitle, sub_style), Spacer(1, 4 * mm)]
    story.append(grid)
    return build_pdf(
        story,
        title=table.title,
        pagesize=landscape(A4),
        margins=(10 * mm, 10 * mm, 10 * mm, 12 * mm),
        page_numbers=True,
    )
