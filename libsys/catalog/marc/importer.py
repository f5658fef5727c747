"""Import MARC files in batches: match against the catalogue, create records and copies.

The import streams: records are read one at a time, gathered in batches of a few hundred,
matched with one query per rule and batch, and written with bulk INSERTs that bypass the
ORM's unit of work. Memory stays flat whatever the file size.

Reading in worker processes lives in parallel.py, the summary, the rejections' CSV and the
upload's preview in import_report.py. What stays here is over the ~500 lines the rest of
libsys keeps to, on purpose: it is one thing, the batch writer (the class is some 570 lines,
its row helpers and `import_marc` the rest): matching, accession numbering and the bulk
INSERTs share its caches and its open batch, so cutting it further would only pass that
state between modules.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from os import PathLike

from flask import current_app
from sqlalchemy import delete, insert, select, update

from libsys.catalog.copies.services import accession_number, build_call_number, default_store
from libsys.catalog.marc import (
    Rejected,
    UnreadableFile,
    read_marc,
)
from libsys.catalog.marc.columns import Prepared, prepared_results
from libsys.catalog.marc.holdings import CopyData
from libsys.catalog.marc.import_report import (
    KEPT_REJECTIONS,
    ImportSummary,
    Match,
    ReportWriter,
    SkippedItem,
)
from libsys.catalog.marc.parallel import plain_iso2709, prepared_in_parallel
from libsys.catalog.models import Item, Record, RecordIdentifier, RecordIsbn
from libsys.catalog.services import delete_isbns, mark_changed
from libsys.core.clock import local_today
from libsys.db import utcnow
from libsys.errors import ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library, Store
from libsys.search.sync import bulk_indexing
from libsys.stats.models import Event
from libsys.text import fold

MATCH_POLICIES = ("skip", "overlay", "add")
BATCH_SIZE = 500
ANALYSE_FROM = 2_000
IMPORT_CACHE_KB = 16 * 1024  # SQLite page cache for long imports (4x the default)


class _NewRecord:
    """A record inserted in the current batch; its id is known after the INSERT."""

    __slots__ = ("id", "control", "koha")

    def __init__(self, prepared: Prepared | None = None) -> None:
        self.id: int | None = None
        # (001, 003) when the record has a 001, and its Koha biblionumber if any.
        self.control = _control(prepared) if prepared is not None else None
        self.koha = prepared.identifiers.get("koha") if prepared is not None else None


def _control(prepared: Prepared) -> tuple[str, str] | None:
    number = prepared.columns["control_number"]
    return (number, prepared.columns["control_source"] or "") if number else None


def _publisher(text: str | None) -> str:
    return " ".join(fold(text or "").replace(",", " ").replace(".", " ").split())


def parse_branch_map(text: str | None) -> dict[str, str]:
    """Read "MPL=TVLC, CPL=TVTD" (a source's branch codes = library codes here)."""
    mapping: dict[str, str] = {}
    for part in (text or "").replace(";", ",").replace("\n", ",").split(","):
        if not part.strip():
            continue
        source, sign, target = part.partition("=")
        if not sign or not source.strip() or not target.strip():
            raise ValidationFailed(
                fields={"branch_map": f"write each branch as CODE=LIBRARY, not {part.strip()!r}"}
            )
        mapping[source.strip()] = target.strip()
    return mapping


def _sources(paths_or_streams) -> list:
    if isinstance(paths_or_streams, str | bytes | PathLike) or hasattr(paths_or_streams, "read"):
        return [paths_or_streams]
    return list(paths_or_streams)


def _source_name(source) -> str:
    if isinstance(source, str | PathLike):
        return str(source)
    return getattr(source, "name", None) or "upload"


class _Importer:
    """The state of one import: policy, target library, numbering caches, the open batch."""

    def __init__(
        self,
        *,
        library,
        match,
        mapping,
        progress,
        report,
        commit_every,
        user_id,
        workers=1,
        branch_map=None,
    ):
        if match not in MATCH_POLICIES:
            raise ValueError(f"unknown match policy {match!r}")
        self.library = _resolve_library(library)
        # Branch codes of the source (952 $a) -> libraries here, checked before anything.
        self.branch_map = {
            code.casefold(): _resolve_library(target, field="branch_map")
            for code, target in (branch_map or {}).items()
        }
        self.match = match
        self.mapping = mapping
        self.progress = progress
        self.report = report
        self.commit_every = commit_every
        self.user_id = user_id
        self.workers = max(1, int(workers or 1))
        self.summary = ImportSummary()
        self.batch: list[Prepared] = []
        self.since_commit = 0
        self.next_analyse = ANALYSE_FROM  # records created before the first ANALYZE
        self.today = local_today()
        self.libraries: dict[str, Library | None] = {}
        # Numbering caches, loaded at the first copy: most files carry no holdings.
        self.barcodes: set[str] | None = None
        self.accessions: dict[int, set[str]] = {}
        self.serials: dict[int, int] = {}
        self.stores_touched: dict[int, int] = {}

    # -------------------------------------------------------------- reading

    def run(self, sources) -> ImportSummary:
        if self.commit_every and db.session.get_bind().dialect.name == "sqlite":
            # Long imports insert into several indexes of random keys (ISBN, match key): a
            # larger page cache than SQLite's 2 MB default keeps the B-trees in memory.
            db.session.connection().exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KB}")
        for source in sources:
            name = _source_name(source)
            try:
                if self.workers > 1 and plain_iso2709(source):
                    self._consume(prepared_in_parallel(source, self.mapping, self.workers))
                else:
                    self._consume(prepared_results(read_marc(source, name=name), self.mapping))
            except UnreadableFile as problem:
                self.summary.unreadable.append((name, problem.reason))
        self._flush_batch()
        self._end_transaction(final=True)
        return self.summary

    def _consume(self, results: Iterable[Prepared | Rejected]) -> None:
        summary = self.summary
        clock = time.perf_counter
        started = clock()
        for result in results:
            summary.read += 1
            if isinstance(result, Rejected):
                self._reject(result)
                continue
            summary.warnings += result.warned
            self.batch.append(result)
            if len(self.batch) >= BATCH_SIZE:
                summary.parse_seconds += clock() - started
                self._flush_batch()
                started = clock()
        summary.parse_seconds += clock() - started

    def _reject(self, rejected: Rejected) -> None:
        self.summary.rejected += 1
        if len(self.summary.rejections) < KEPT_REJECTIONS:
            self.summary.rejections.append(rejected)
        self.report.write(rejected)

    # -------------------------------------------------------------- one batch

    def _flush_batch(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            if self.progress:
                self.progress(self.summary)
            return
        started = time.perf_counter()
        known = self._lookup(batch) if self.match != "add" else None
        new_rows: list[dict] = []
        new_refs: list[_NewRecord] = []
        new_prepared: list[Prepared] = []
        new_isbns: list[tuple[_NewRecord, list[str]]] = []
        overlays: list[tuple[int, Prepared]] = []
        copies: list[tuple[object, Prepared, bool]] = []  # (target, prepared, created)
        matches: list[tuple[Prepared, object, str, str]] = []
        for prepared in batch:
            found = self._find(prepared, known) if known is not None else None
            target = found[0] if found is not None else None
            if target is None:
                ref = _NewRecord(prepared)
                row = prepared.columns
                row["created_at"] = row["updated_at"] = utcnow()
                new_rows.append(row)
                new_refs.append(ref)
                new_prepared.append(prepared)
                new_isbns.append((ref, prepared.isbns))
                if known is not None:
                    self._remember(prepared, ref, known)
                self.summary.created += 1
                if prepared.copies:
                    copies.append((ref, prepared, True))
            else:
                self.summary.matched += 1
                matches.append((prepared, *found))
                if self.match == "overlay" and isinstance(target, int):
                    overlays.append((target, prepared))
                elif self.match == "overlay":
                    # Created earlier in this batch, not inserted yet: the later one wins.
                    index = new_refs.index(target)
                    row = prepared.columns
                    row["created_at"] = row["updated_at"] = new_rows[index]["created_at"]
                    new_rows[index] = row
                    new_prepared[index] = prepared
                    new_isbns[index] = (target, prepared.isbns)
                    self._remember(prepared, target, known)
                if prepared.copies:
                    copies.append((target, prepared, False))
        if new_rows:
            ids = _insert_returning_ids(Record, new_rows)
            for ref, record_id in zip(new_refs, ids, strict=True):
                ref.id = record_id
            self.summary.created_ids.extend(ids)
            isbn_rows = [
                {"record_id": ref.id, "isbn13": number}
                for ref, numbers in new_isbns
                for number in numbers
            ]
            if isbn_rows:
                _insert(RecordIsbn, isbn_rows)
            _insert_identifiers(
                (ref.id, prepared) for ref, prepared in zip(new_refs, new_prepared, strict=True)
            )
            self._events("record_created", ids)
            mark_changed(ids)
        self._report_matches(matches)
        if overlays:
            self._overlay(overlays)
        if copies:
            self._add_copies(copies)
        self.summary.database_seconds += time.perf_counter() - started
        self.since_commit += len(batch)
        if self.commit_every and self.since_commit >= self.commit_every:
            self._end_transaction()
        if self.progress:
            self.progress(self.summary)

    def _end_transaction(self, final: bool = False) -> None:
        started = time.perf_counter()
        self._save_serials()
        if self.commit_every:
            db.session.commit()
            self._analyse_as_it_grows()
        else:
            db.session.flush()
        self.since_commit = 0
        self.summary.commit_seconds += time.perf_counter() - started

    def _analyse_as_it_grows(self) -> None:
        """On PostgreSQL, refresh the planner's statistics of the catalogue tables when a
        long import has made them several times bigger.

        Without autovacuum (or before it wakes up) the matching queries keep plans made for
        the empty tables, and the import slows from about 2,000 to 200 records per second."""
        created = self.summary.created
        if created < self.next_analyse or db.session.get_bind().dialect.name != "postgresql":
            return
        self.next_analyse = created * 4
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE record, record_isbn, item")

    def _lookup(self, batch: list[Prepared]) -> dict:
        """Find, with one query per rule, the records of the catalogue this batch matches."""
        controls = {p.columns["control_number"] for p in batch if p.columns["control_number"]}
        isbns = {number for p in batch for number in p.isbns}
        # Title, author and year only for records with no identifier of their own.
        bare = [p for p in batch if not p.has_identifier]
        keys = {p.columns["match_key"] for p in bare if _usable_key(p.columns["match_key"])}
        others: dict[str, set[str]] = {"lccn": set(), "koha": set(), "fingerprint": set()}
        for p in batch:
            for scheme in ("lccn", "koha"):
                if scheme in p.identifiers:
                    others[scheme].add(p.identifiers[scheme])
        for p in bare:
            others["fingerprint"].add(p.identifiers["fingerprint"])
        known: dict = {
            "control": {},
            "isbn": {},
            "key": {},
            "lccn": {},
            "koha": {},
            "fingerprint": {},
            "identity": {},  # record id -> ((001, 003) or None, Koha biblionumber or None)
        }
        session = db.session
        if controls:
            rows = session.execute(
                select(Record.id, Record.control_number, Record.control_source).where(
                    Record.control_number.in_(controls)
                )
            )
            for record_id, number, source in rows:
                known["control"].setdefault((number, source or ""), record_id)
        if isbns:
            rows = session.execute(
                select(RecordIsbn.record_id, RecordIsbn.isbn13)
                .where(RecordIsbn.isbn13.in_(isbns))
                .order_by(RecordIsbn.record_id)
            )
            for record_id, number in rows:
                known["isbn"].setdefault(number, []).append(record_id)
        if keys:
            rows = session.execute(
                select(Record.id, Record.match_key, Record.publisher)
                .where(Record.match_key.in_(keys))
                .order_by(Record.id)
            )
            for record_id, key, publisher in rows:
                known["key"].setdefault((key, _publisher(publisher)), record_id)
        for scheme, values in others.items():
            if values:
                rows = session.execute(
                    select(RecordIdentifier.record_id, RecordIdentifier.value)
                    .where(RecordIdentifier.scheme == scheme, RecordIdentifier.value.in_(values))
                    .order_by(RecordIdentifier.record_id)
                )
                for record_id, value in rows:
                    known[scheme].setdefault(value, record_id)
        self._identities(known)
        return known

    @staticmethod
    def _identities(known: dict) -> None:
        """The 001 + 003 and Koha biblionumber of every record found, to tell a record of
        the same source numbered differently (another record) from the same one."""
        found = set(known["control"].values())
        found.update(known["lccn"].values())
        found.update(record_id for ids in known["isbn"].values() for record_id in ids)
        if not found:
            return
        identity = known["identity"]
        session = db.session
        controls = session.execute(
            select(Record.id, Record.control_number, Record.control_source).where(
                Record.id.in_(found)
            )
        )
        for record_id, number, source in controls:
            identity[record_id] = ((number, source or "") if number else None, None)
        kohas = session.execute(
            select(RecordIdentifier.record_id, RecordIdentifier.value).where(
                RecordIdentifier.scheme == "koha", RecordIdentifier.record_id.in_(found)
            )
        )
        for record_id, value in kohas:
            identity[record_id] = (identity.get(record_id, (None, None))[0], value)

    @staticmethod
    def _find(prepared: Prepared, known: dict) -> tuple[object, str, str] | None:
        """The record this one is, with the rule and the value that matched, or None.

        A record's identifiers decide first: Koha's biblionumber (999 $c), 001 + 003, the
        LCCN (010), then an ISBN. A record found is not this one when the same source
        numbers them differently (another 001 with the same 003, another biblionumber):
        another edition with the same ISBN, or two Koha records of one LCCN. Identical
        content, then title, first author, year and publisher only for records that carry
        no identifier."""
        control = _control(prepared)
        koha = prepared.identifiers.get("koha")

        def other(found) -> bool:
            if isinstance(found, _NewRecord):
                theirs, their_koha = found.control, found.koha
            else:
                theirs, their_koha = known["identity"].get(found, (None, None))
            if koha and their_koha and koha != their_koha:
                return True
            return bool(control and theirs and theirs[1] == control[1] and theirs[0] != control[0])

        if koha and koha in known["koha"]:
            return known["koha"][koha], "koha", koha
        if control is not None:
            found = known["control"].get(control)
            if found is not None and not other(found):
                return found, "control_number", control[0]
        lccn = prepared.identifiers.get("lccn")
        if lccn and lccn in known["lccn"] and not other(known["lccn"][lccn]):
            return known["lccn"][lccn], "lccn", lccn
        for isbn in prepared.isbns:
            for found in known["isbn"].get(isbn, ()):
                if not other(found):
                    return found, "isbn", isbn
        if prepared.has_identifier:
            return None
        title = prepared.columns["title"]
        found = known["fingerprint"].get(prepared.identifiers["fingerprint"])
        if found is not None:
            return found, "fingerprint", title
        key = prepared.columns["match_key"]
        if _usable_key(key):
            found = known["key"].get((key, _publisher(prepared.columns["publisher"])))
            if found is not None:
                return found, "title_author_year", key
        return None

    @staticmethod
    def _remember(prepared: Prepared, ref: _NewRecord, known: dict) -> None:
        """Let later records of the same batch match one created earlier in it."""
        control = _control(prepared)
        if control is not None:
            known["control"].setdefault(control, ref)
        for scheme in ("lccn", "koha"):
            if scheme in prepared.identifiers:
                known[scheme].setdefault(prepared.identifiers[scheme], ref)
        for isbn in prepared.isbns:
            known["isbn"].setdefault(isbn, []).append(ref)
        if not prepared.has_identifier:
            known["fingerprint"].setdefault(prepared.identifiers["fingerprint"], ref)
            key = prepared.columns["match_key"]
            if _usable_key(key):
                known["key"].setdefault((key, _publisher(prepared.columns["publisher"])), ref)

    def _report_matches(self, matches: list[tuple[Prepared, object, str, str]]) -> None:
        """Name each matched record and what it matched, in the summary and the report."""
        for prepared, target, rule, value in matches:
            record_id = target.id if isinstance(target, _NewRecord) else target
            match = Match(
                prepared.position,
                prepared.columns["control_number"] or "",
                record_id,
                rule,
                str(value)[:200],
            )
            if len(self.summary.matches) < KEPT_REJECTIONS:
                self.summary.matches.append(match)
            self.report.write_match(match)

    def _overlay(self, overlays: list[tuple[int, Prepared]]) -> None:
        """Replace the MARC and the columns of matched records (policy overlay)."""
        session = db.session
        seen: dict[int, Prepared] = {}
        for record_id, prepared in overlays:
            seen[record_id] = prepared  # the last one in the file wins
        rows = []
        for record_id, prepared in seen.items():
            row = dict(prepared.columns)
            row.pop("created_at", None)
            row["id"] = record_id
            row["updated_at"] = utcnow()
            rows.append(row)
        session.execute(update(Record), rows)
        delete_isbns(seen)
        session.execute(delete(RecordIdentifier).where(RecordIdentifier.record_id.in_(list(seen))))
        _insert_identifiers(seen.items())
        isbn_rows = [
            {"record_id": record_id, "isbn13": number}
            for record_id, prepared in seen.items()
            for number in prepared.isbns
        ]
        if isbn_rows:
            _insert(RecordIsbn, isbn_rows)
        self._events("record_updated", list(seen))
        mark_changed(seen)

    def _events(self, kind: str, record_ids: list[int]) -> None:
        library_id = self.library.id if self.library is not None else None
        now = utcnow()
        _insert(
            Event,
            [
                {
                    "kind": kind,
                    "day": self.today,
                    "occurred_at": now,
                    "library_id": library_id,
                    "user_id": self.user_id,
                    "quantity": 1,
                    "record_id": record_id,
                    "details": {"imported": True},
                }
                for record_id in record_ids
            ],
        )

    # -------------------------------------------------------------- copies

    def _target_library(self, copy: CopyData) -> tuple[Library | None, str]:
        """The library a copy goes to, or None and why not."""
        code = copy.library_code
        mapped = self.branch_map.get(code.casefold()) if code else None
        if mapped is not None:
            return mapped, ""
        if self.library is not None:
            return self.library, ""
        if not code:
            return None, "the item field names no library and no library was chosen"
        if code not in self.libraries:
            self.libraries[code] = db.session.scalar(select(Library).where(Library.code == code))
        if self.libraries[code] is None:
            return None, (
                f"library {code} is not a library here: map it to one "
                f"(--branch-map {code}=CODE) or choose the library of the copies"
            )
        return self.libraries[code], ""

    def _skip_item(self, prepared: Prepared, copy: CopyData, record_id, reason: str) -> None:
        skipped = SkippedItem(
            prepared.position,
            prepared.columns["control_number"] or "",
            copy.barcode,
            copy.library_code,
            reason,
            record_id if isinstance(record_id, int) else None,
        )
        self.summary.items_skipped += 1
        if len(self.summary.skipped_items) < KEPT_REJECTIONS:
            self.summary.skipped_items.append(skipped)
        self.report.write_skipped_item(skipped)

    def _load_numbering(self, library: Library) -> None:
        if self.barcodes is None:
            self.barcodes = set(db.session.scalars(select(Item.barcode)))
        if library.id not in self.accessions:
            self.accessions[library.id] = set(
                db.session.scalars(
                    select(Item.accession_number).where(Item.library_id == library.id)
                )
            )

    def _next_accession(self, store: Store, taken: set[str]) -> str:
        serial = self.serials.get(store.id)
        if serial is None:
            serial = db.session.scalar(select(Store.last_accession).where(Store.id == store.id))
        while True:
            serial += 1
            number = accession_number(store.code, serial)
            if number not in taken:
                self.serials[store.id] = serial
                self.stores_touched[store.id] = serial
                return number

    def _save_serials(self) -> None:
        for store_id, serial in self.stores_touched.items():
            db.session.execute(
                update(Store)
                .where(Store.id == store_id, Store.last_accession < serial)
                .values(last_accession=serial),
                execution_options={"synchronize_session": False},
            )
        self.stores_touched = {}

    def _add_copies(self, copies: list[tuple[object, Prepared, bool]]) -> None:
        """Holdings become items; a barcode already known is never added twice."""
        rows = []
        for target, prepared, created in copies:
            record_id = target.id if isinstance(target, _NewRecord) else target
            for copy in prepared.copies:
                # A copy without a barcode cannot be told from one imported before: only a
                # new record gets it, so that importing a file twice adds nothing.
                if not copy.barcode and not created:
                    self._skip_item(
                        prepared,
                        copy,
                        record_id,
                        "no barcode, and the record was already in the catalogue: "
                        "the copy cannot be told from one imported before",
                    )
                    continue
                library, why_not = self._target_library(copy)
                if library is None:
                    self._skip_item(prepared, copy, record_id, why_not)
                    continue
                self._load_numbering(library)
                if copy.barcode and copy.barcode in self.barcodes:
                    self._skip_item(
                        prepared,
                        copy,
                        record_id,
                        f"barcode {copy.barcode} is already in the catalogue",
                    )
                    continue
                store = _store_by_code(library, copy.store_code) or default_store(library)
                taken = self.accessions[library.id]
                number = copy.accession_number[:40] if copy.accession_number else ""
                if not number or number in taken:
                    if store is None:
                        # A rotation point has no store to number copies in.
                        self._skip_item(
                            prepared,
                            copy,
                            record_id,
                            f"{library.code} has no store to number the copy in",
                        )
                        continue
                    number = self._next_accession(store, taken)
                barcode = (copy.barcode or number)[:40]
                if barcode in self.barcodes:
                    barcode = f"{library.code}-{number}"[:40]
                    if barcode in self.barcodes:
                        self._skip_item(
                            prepared, copy, record_id, f"barcode {barcode} is already taken"
                        )
                        continue
                taken.add(number)
                self.barcodes.add(barcode)
                rows.append(
                    {
                        "record_id": record_id,
                        "library_id": library.id,
                        "store_id": store.id if store is not None else None,
                        "accession_number": number,
                        "barcode": barcode,
                        "call_number": (copy.call_number or _call_number(prepared))[:100] or None,
                        "item_type": _item_type(copy, prepared),
                        "price": _whole(copy.price),
                        "acquired_on": copy.acquired_on or self.today,
                        "status": copy.status or "available",
                        "notes": copy.notes or None,
                        "created_at": utcnow(),
                        "updated_at": utcnow(),
                        "_library": library,
                        "_store": store,
                        "_columns": prepared.columns,
                    }
                )
        if not rows:
            return
        snapshots = [(r.pop("_library"), r.pop("_store"), r.pop("_columns")) for r in rows]
        ids = _insert_returning_ids(Item, rows)
        mark_changed({row["record_id"] for row in rows})
        now = utcnow()
        events = []
        for item_id, row, (library, store, columns) in zip(ids, rows, snapshots, strict=True):
            ddc = columns["ddc"] or ""
            events.append(
                {
                    "kind": "item_acquired",
                    "day": self.today,
                    "occurred_at": now,
                    "library_id": library.id,
                    "user_id": self.user_id,
                    "quantity": 1,
                    "item_id": item_id,
                    "record_id": row["record_id"],
                    "item_library": library.code,
                    "item_store": store.code if store is not None else None,
                    "item_material_type": columns["material_type"],
                    "item_class": ddc[:3] if ddc[:3].isdigit() else None,
                    # Copies migrated from another system are not this year's acquisitions;
                    # the date the 952 gives lets a report place them in their own year.
                    "details": {"imported": True, "acquired_on": str(row["acquired_on"])},
                }
            )
        _insert(Event, events)
        self.summary.items_created += len(rows)


def _insert(model, rows: list[dict]) -> None:
    """A Core executemany INSERT: the ORM's bulk path costs more than the rows themselves."""
    db.session.connection().execute(insert(model.__table__), rows)


def _insert_returning_ids(model, rows: list[dict]) -> list[int]:
    """INSERT many rows and return their new ids in the order of the rows."""
    table = model.__table__
    result = db.session.connection().execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return list(result.scalars())


def _insert_identifiers(pairs) -> None:
    """Keep the identifiers of records just written: LCCN and Koha biblionumber, and the
    fingerprint of a record that has no identifier (what a re-import matches it by)."""
    rows = []
    for record_id, prepared in pairs:
        for scheme in ("lccn", "koha"):
            if scheme in prepared.identifiers:
                value = prepared.identifiers[scheme]
                rows.append({"record_id": record_id, "scheme": scheme, "value": value})
        if not prepared.has_identifier:
            rows.append(
                {
                    "record_id": record_id,
                    "scheme": "fingerprint",
                    "value": prepared.identifiers["fingerprint"],
                }
            )
    if rows:
        _insert(RecordIdentifier, rows)


def _usable_key(key: str | None) -> bool:
    """A title alone is too weak a match: the key needs an author or a year as well."""
    if not key:
        return False
    title, _, rest = key.partition("|")
    return bool(title.strip()) and bool(rest.replace("|", "").strip())


def _store_by_code(library: Library, code: str) -> Store | None:
    if not code:
        return None
    for store in library.stores:
        if store.code.lower() == code.lower():
            return store
    return None


def _item_type(copy: CopyData, prepared: Prepared) -> str:
    """The copy's type as its item field gives it (Koha's 952 $y: policies may key on it),
    else the record's material type."""
    return (copy.item_type or prepared.columns["material_type"] or "book")[:20]


def _whole(price) -> int | None:
    if price is None:
        return None
    try:
        return int(price)
    except (ValueError, OverflowError):
        return None


def _call_number(prepared: Prepared) -> str:
    columns = prepared.columns
    shadow = Record(
        title=columns["title"],
        authors=columns["authors"],
        ddc=columns["ddc"],
        year=columns["year"],
        language=columns["language"],
    )
    return build_call_number(shadow)


def _resolve_library(library, field: str = "library") -> Library | None:
    if library is None or isinstance(library, Library):
        return library
    found = db.session.scalar(select(Library).where(Library.code == str(library)))
    if found is None:
        raise ValidationFailed(fields={field: f"unknown library {library}"})
    return found


def import_marc(
    paths_or_streams,
    *,
    library=None,
    match: str = "skip",
    mapping: dict | None = None,
    progress: Callable[[ImportSummary], None] | None = None,
    report=None,
    commit_every: int | None = None,
    user_id: int | None = None,
    workers: int = 1,
    branch_map: dict[str, str] | None = None,
) -> ImportSummary:
    """Import MARC files (paths or binary streams) into the catalogue, streaming.

    `match` decides what happens to a record the catalogue already holds (see _find: its
    identifiers, an ISBN, and for a record without identifiers its content or title, first
    author, year and publisher): "skip" counts it, "overlay" replaces its MARC, "add"
    always creates. Holdings (852, 952, and the local fields `mapping` describes)
    become copies of `library`, or of the library `branch_map` gives for their branch code
    (Koha's 952 $a), or of the library with that code here; an item field that becomes no
    copy is counted in items_skipped with its reason. Rejected records, matched records and
    copies not created go to `report` (a CSV path or text stream). With `commit_every` the
    import commits every so many records (CLI, background job); without it, it only
    flushes and the caller commits. `workers` > 1 reads and
    describes plain ISO 2709 files in that many worker processes.
    """
    writer = ReportWriter(report)
    try:
        importer = _Importer(
            library=library,
            match=match,
            mapping=mapping,
            progress=progress,
            report=writer,
            commit_every=commit_every,
            user_id=user_id,
            workers=workers,
            branch_map=branch_map,
        )
        bulk = bulk_indexing() if commit_every else nullcontext()
        summary = None
        try:
            with bulk:
                summary = importer.run(_sources(paths_or_streams))
                indexing_started = time.perf_counter()
        finally:
            if summary is not None:
                # Leaving bulk_indexing() writes the index for the records still waiting.
                summary.index_seconds = time.perf_counter() - indexing_started
        return summary
    finally:
        writer.close()


def default_commit_every() -> int:
    """Records per commit for long imports (config IMPORT_COMMIT_EVERY)."""
    return int(current_app.config.get("IMPORT_COMMIT_EVERY", 1000))
