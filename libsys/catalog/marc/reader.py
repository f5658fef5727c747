"""Read MARC 21 files (ISO 2709, MARCXML, MARC-in-JSON) one record at a time, keeping bad ones.

Over the ~500 lines the rest of libsys keeps to, on purpose: the three formats share the
opening of a file (gzip or not), one way to reject a record (position, offset, reason), one
way to build and check a record, and the decoding of UTF-8 or MARC-8 values, so this reader
is one cohesive thing, best read in one place.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from os import PathLike
from typing import BinaryIO

from pymarc import Field, Indicators, Leader, Record, Subfield
from pymarc.marc8 import marc8_to_unicode
from pymarc.marc8_mapping import CODESETS, ODD_MAP

__all__ = [
    "Accepted",
    "ReadResult",
    "Rejected",
    "UnreadableFile",
    "count_permissive",
    "read_marc",
]

BLOCK_SIZE = 1 << 20
# A run of bytes this long without a record terminator is cut off as one bad record, so that
# binary junk cannot make the reader hold an unbounded buffer.
MAX_RECORD_BYTES = 16 << 20

RECORD_TERMINATOR = 0x1D
FIELD_TERMINATOR = 0x1E
SUBFIELD_DELIMITER = b"\x1f"

# MARC 21 allows lower-case letters, digits and blank in indicators.
VALID_INDICATORS = frozenset("0123456789abcdefghijklmnopqrstuvwxyz ")
# ISO 2709 allows any graphic ASCII character as a subfield code; MARC 21 only uses [a-z0-9],
# but several systems (Sirsi, Aleph) use others and the data is still good.
VALID_SUBFIELD_CODES = frozenset(chr(c) for c in range(0x21, 0x7F))

BIBLIOGRAPHIC_TYPES = frozenset("acdefgijkmoprt")
OTHER_RECORD_KINDS = {
    "z": "an authority record",
    "u": "a holdings record",
    "v": "a holdings record",
    "x": "a holdings record",
    "y": "a holdings record",
    "q": "a community information record",
    "w": "a classification record",
}
DEFAULT_LEADER = "00000nam a2200000   4500"

_NFC = unicodedata.normalize
_DIGITS = re.compile(rb"\d{5}")
_XML_TOKEN = re.compile(rb"<!--|<!\[CDATA\[|<\?|<(/?)(?:[A-Za-z_][\w.\-]*:)?record(?=[\s/>])")
_XML_SKIPPED = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")
_XML_PREFIXES = re.compile(rb"""[<\s/]([A-Za-z_][\w.\-]*):[A-Za-z_]""")
_XML_CONTROL_NUMBER = re.compile(rb"""tag\s*=\s*["']001["'][^>]*>([^<]*)<""")


class UnreadableFile(Exception):  # noqa: N818 - the name says what a librarian sees
    """The file is not MARC at all (empty, another format, binary junk)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class Accepted:
    """A record that was read; warnings say what was repaired on the way."""

    position: int
    record: Record
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Rejected:
    """A record that could not be read; the reading of the file went on after it."""

    position: int
    offset: int | None
    control_number: str | None
    reason: str


ReadResult = Accepted | Rejected


class _RecordProblem(Exception):
    """Raised inside the parsers; becomes a Rejected with this reason."""


# --------------------------------------------------------------------------- byte sources


class _Prefixed(io.RawIOBase):
    """A binary stream that first returns bytes already read (for format detection)."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._rest.read(size)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _blocks(stream) -> Iterator[bytes]:
    while block := stream.read(BLOCK_SIZE):
        yield block


def _open_source(source, name: str | None) -> tuple[str, Iterator[bytes], str, object]:
    """Open a path or binary file and tell its format: 'iso2709', 'xml' or 'json'."""
    label = name or (str(source) if isinstance(source, str | PathLike) else "the file")
    if isinstance(source, str | PathLike):
        handle = open(source, "rb")  # noqa: SIM115 - closed by the caller's finally
        owned = handle
    else:
        handle, owned = source, None
    try:
        head = handle.read(BLOCK_SIZE)
        stream = _Prefixed(head, handle)
        if head[:2] == b"\x1f\x8b":
            # Compressed exports are common; read through them rather than refuse them.
            stream = gzip.GzipFile(fileobj=stream)
            head = stream.read(BLOCK_SIZE)
            stream = _Prefixed(head, stream)
        if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            text = io.TextIOWrapper(stream, encoding="utf-16")
            stream = _Utf8FromText(text)
            head = stream.read(BLOCK_SIZE)
            stream = _Prefixed(head, stream)
        if head.startswith(codecs.BOM_UTF8):
            stream.read(len(codecs.BOM_UTF8))
            head = head[len(codecs.BOM_UTF8) :]
        if not head.strip():
            raise UnreadableFile(f"{label} is empty.")
        start = head.lstrip()[:5]
        if start[:1] == b"<":
            kind = "xml"
        elif start[:1] in (b"{", b"["):
            kind = "json"
        elif _DIGITS.fullmatch(start):
            kind = "iso2709"
        else:
            raise UnreadableFile(
                f"{label} is not a MARC file (neither ISO 2709, MARCXML nor JSON)."
            )
    except BaseException:
        if owned is not None:
            owned.close()
        raise
    return kind, _blocks(stream), label, owned


class _Utf8FromText(io.RawIOBase):
    """Re-encode a text stream as UTF-8 bytes (for UTF-16 MARCXML)."""

    def __init__(self, text: io.TextIOBase) -> None:
        self._text = text

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._text.read(size if size and size > 0 else -1).encode("utf-8")


# --------------------------------------------------------------------------- entry points


def read_marc(source, *, name: str | None = None) -> Iterator[ReadResult]:
    """Read every record of a MARC file (path or binary file object), one result per record."""
    kind, blocks, label, owned = _open_source(source, name)
    try:
        if kind == "iso2709":
            yield from _read_iso2709(blocks)
        elif kind == "xml":
            yield from _read_xml(blocks, label)
        else:
            yield from _read_json(blocks, label)
    finally:
        if owned is not None:
            owned.close()


def count_permissive(source, *, name: str | None = None) -> int:
    """Count the records a permissive reading finds: terminators, record elements, objects."""
    kind, blocks, label, owned = _open_source(source, name)
    try:
        if kind == "iso2709":
            return sum(1 for _ in _iso2709_chunks(blocks))
        if kind == "xml":
            return sum(1 for _ in _xml_chunks(blocks, label))
        return sum(1 for _ in _json_objects(blocks, label))
    finally:
        if owned is not None:
            owned.close()


# --------------------------------------------------------------------------- ISO 2709


def _iso2709_chunks(blocks: Iterator[bytes]) -> Iterator[tuple[int, bytes, bool]]:
    """Split on record terminators: (byte offset, record bytes without 0x1D, terminated)."""
    pending = b""
    offset = 0  # file offset of pending[0]
    for block in blocks:
        pieces = (pending + block).split(b"\x1d")
        pending = pieces.pop()
        for piece in pieces:
            start = offset
            offset += len(piece) + 1
            stripped = piece.lstrip(b"\r\n\t \x00")
            if stripped:
                yield start + len(piece) - len(stripped), stripped, True
        if len(pending) > MAX_RECORD_BYTES:
            stripped = pending.lstrip(b"\r\n\t \x00")
            yield offset + len(pending) - len(stripped), stripped, False
            offset += len(pending)
            pending = b""
    stripped = pending.lstrip(b"\r\n\t \x00").rstrip(b"\r\n\t \x00\x1a")
    if stripped:
        yield offset + len(pending) - len(pending.lstrip(b"\r\n\t \x00")), stripped, False


def _read_iso2709(blocks: Iterator[bytes]) -> Iterator[ReadResult]:
    for position, (offset, chunk, terminated) in enumerate(_iso2709_chunks(blocks), start=1):
        try:
            record, warnings = _parse_iso2709(chunk, terminated)
            _check_bibliographic(record)
        except _RecordProblem as problem:
            yield Rejected(position, offset, _control_number_from_bytes(chunk), str(problem))
        else:
            yield Accepted(position, record, warnings)


def _parse_iso2709(chunk: bytes, terminated: bool) -> tuple[Record, list[str]]:
    """Parse one record (without its terminator), checking every length it declares."""
    warnings: list[str] = []
    if not terminated:
        raise _RecordProblem("the file ends in the middle of this record (no record terminator)")
    if len(chunk) < 25:
        raise _RecordProblem("the record is too short to hold a leader and a directory")
    try:
        leader = chunk[:24].decode("ascii")
    except UnicodeDecodeError:
        raise _RecordProblem("the leader holds characters that are not ASCII") from None
    length_text = leader[:5]
    actual_length = len(chunk) + 1
    # Leader numbers that disagree with the bytes are only fatal when the directory does not
    # hold up either: otherwise the fields are intact and the leader is rewritten on export.
    leader_problems = []
    if not length_text.isdigit() or int(length_text) != actual_length:
        leader_problems.append(
            f"record length in leader ({length_text}) does not match the bytes up to the "
            f"record terminator ({actual_length:05d})"
        )
    directory_end = chunk.find(b"\x1e", 24)
    if directory_end < 0:
        raise _RecordProblem("the directory has no end (no field terminator after it)")
    directory = chunk[24:directory_end]
    if not directory:
        raise _RecordProblem("the record has no fields")
    if len(directory) % 12:
        raise _RecordProblem(
            leader_problems[0]
            if leader_problems
            else "the directory length is not a multiple of 12: it is broken"
        )
    base_text = leader[12:17]
    if base_text != f"{directory_end + 1:05d}":
        leader_problems.append(
            f"the base address of data in the leader ({base_text}) does not match the end of "
            f"the directory ({directory_end + 1:05d})"
        )
    data = chunk[directory_end + 1 :]
    entries = []
    for start in range(0, len(directory), 12):
        entry = directory[start : start + 12]
        tag = entry[:3].decode("ascii", "replace")
        length, field_offset = entry[3:7], entry[7:12]
        if not (tag.isalnum() and length.isdigit() and field_offset.isdigit()):
            raise _RecordProblem(f"directory entry {entry!r} is broken")
        entries.append((tag, int(length), int(field_offset)))
    raw_fields = []
    for tag, length, field_offset in entries:
        end = field_offset + length
        if end > len(data) or length == 0 or data[end - 1] != FIELD_TERMINATOR:
            raw_fields = _fields_in_order(entries, data)
            if raw_fields is None:
                raise _RecordProblem(
                    leader_problems[0]
                    if leader_problems
                    else f"the directory entry for field {tag} does not point to a complete field"
                )
            warnings.append(
                "the directory does not point to the fields (the record may be longer than "
                f"ISO 2709 allows: {actual_length} bytes); they were read in order"
            )
            break
        raw_fields.append((tag, data[field_offset : end - 1]))
    warnings.extend(leader_problems)

    coding = leader[9]
    utf8 = coding == "a"
    if not utf8:
        if coding != " ":
            warnings.append(
                f"the character coding in leader/09 ({coding!r}) is not MARC 21; read as MARC-8"
            )
        if not chunk.isascii():
            try:
                chunk.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                utf8 = True
                warnings.append("the leader says MARC-8 but the record is in UTF-8; read as UTF-8")

    record = Record(leader=DEFAULT_LEADER)
    record.leader = Leader(leader[:9] + "a" + leader[10:])
    fields = record.fields
    for tag, raw in raw_fields:
        if tag < "010" and tag.isdigit():
            fields.append(Field(tag, data=_decode_control(raw, utf8, tag)))
            continue
        parts = raw.split(SUBFIELD_DELIMITER)
        indicators = parts[0]
        if len(indicators) != 2:
            raise _RecordProblem(
                f"field {tag} has {len(indicators)} indicator characters instead of 2"
            )
        ind1, ind2 = _check_indicators(tag, chr(indicators[0]), chr(indicators[1]), warnings)
        subfields = []
        for part in parts[1:]:
            if not part:
                warnings.append(f"an empty subfield in field {tag} was dropped")
                continue
            code = chr(part[0])
            if code not in VALID_SUBFIELD_CODES:
                raise _RecordProblem(f"field {tag} has a bad subfield code ({part[:1]!r})")
            subfields.append(Subfield(code, _decode_value(part[1:], utf8, tag)))
        if not subfields:
            warnings.append(f"field {tag} had no subfields and was dropped")
            continue
        fields.append(Field(tag, Indicators(ind1, ind2), subfields))
    return record, warnings


def _fields_in_order(entries: list, data: bytes) -> list | None:
    """Pair directory tags with the fields between terminators, if lengths agree one by one."""
    pieces = data.split(b"\x1e")
    if pieces and not pieces[-1]:
        pieces.pop()
    if len(pieces) != len(entries):
        return None
    for (_, length, _), piece in zip(entries, pieces, strict=True):
        # A field over 9,999 bytes cannot give its length in four digits.
        if length != len(piece) + 1 and len(piece) < 9999:
            return None
    return [(tag, piece) for (tag, _, _), piece in zip(entries, pieces, strict=True)]


def _decode_control(raw: bytes, utf8: bool, tag: str) -> str:
    if raw.isascii():
        return raw.decode("ascii")
    if utf8:
        return _decode_value(raw, True, tag)
    # pymarc decodes MARC-8 control fields as Latin-1; do the same so results agree with it.
    return _NFC("NFC", raw.decode("latin-1"))


def _decode_value(raw: bytes, utf8: bool, tag: str) -> str:
    if raw.isascii() and (utf8 or b"\x1b" not in raw):
        return raw.decode("ascii")
    if utf8:
        try:
            return _NFC("NFC", raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise _RecordProblem(f"field {tag} holds bytes that are not valid UTF-8") from None
    problem = _marc8_problem(raw)
    if problem:
        raise _RecordProblem(f"field {tag} {problem}")
    try:
        return marc8_to_unicode(raw, True)
    except UnicodeDecodeError:
        raise _RecordProblem(f"field {tag} holds broken MARC-8 multibyte characters") from None


_G0_INTRODUCERS = frozenset(b"(,$")
_G1_INTRODUCERS = frozenset(b")-$")


def _marc8_problem(data: bytes) -> str | None:
    """Say what pymarc's MARC-8 conversion would silently blank out, following its logic."""
    g0, g1 = 0x42, 0x45
    pos, size = 0, len(data)
    while pos < size:
        byte = data[pos]
        if byte == 0x1B:
            if pos + 1 >= size:
                return "ends with an incomplete MARC-8 escape sequence"
            introducer = data[pos + 1]
            if introducer in _G0_INTRODUCERS or introducer in _G1_INTRODUCERS:
                final_at = pos + 2
                if data[final_at : final_at + 1] in (b",", b"-") and introducer == 0x24:
                    final_at += 1
                if final_at >= size:
                    return "ends with an incomplete MARC-8 escape sequence"
                final = data[final_at]
                if final not in CODESETS:
                    return f"holds an unknown MARC-8 escape sequence ({data[pos : final_at + 1]!r})"
                if introducer in _G0_INTRODUCERS:
                    g0 = final
                else:
                    g1 = final
                pos = final_at + 1
                continue
            if introducer in CODESETS:
                g0 = introducer
            elif introducer == 0x73:
                g0 = 0x42
            else:
                return f"holds an unknown MARC-8 escape sequence ({data[pos : pos + 2]!r})"
            pos += 2
            continue
        if g0 == 0x31:
            if pos + 3 > size:
                return "holds an incomplete MARC-8 multibyte character"
            code_point = (data[pos] << 16) | (data[pos + 1] << 8) | data[pos + 2]
            pos += 3
            if code_point not in CODESETS[0x31] and code_point not in ODD_MAP:
                return f"holds a character (0x{code_point:06x}) that is not in MARC-8"
            continue
        pos += 1
        # pymarc drops control bytes and turns an unmapped space into a space: both harmless.
        if byte <= 0x20 or 0x80 < byte < 0xA0:
            continue
        table = CODESETS[g1] if byte > 0x80 else CODESETS[g0]
        if byte not in table and byte not in ODD_MAP:
            return f"holds a byte (0x{byte:02x}) that is not a MARC-8 character"
    return None


def _control_number_from_bytes(chunk: bytes) -> str | None:
    """Find field 001 in a record that failed, for the rejection report."""
    directory_end = chunk.find(b"\x1e", 24)
    if directory_end < 0:
        return None
    directory = chunk[24:directory_end]
    for start in range(0, len(directory) - 11, 12):
        entry = directory[start : start + 12]
        if entry[:3] == b"001" and entry[3:12].isdigit():
            begin = directory_end + 1 + int(entry[7:12])
            value = chunk[begin : begin + int(entry[3:7])].split(b"\x1e")[0]
            text = value.decode("utf-8", "replace").strip()
            return text or None
    return None


# --------------------------------------------------------------------------- common checks


def _check_bibliographic(record: Record) -> None:
    """Only bibliographic records with a title belong in the catalogue."""
    record_type = record.leader[6]
    if record_type in OTHER_RECORD_KINDS:
        raise _RecordProblem(f"this is {OTHER_RECORD_KINDS[record_type]}, not a bibliographic one")
    title = record.get("245")
    if title is None:
        raise _RecordProblem("the record has no title (field 245)")
    if not any(value.strip() for code, value in title.subfields if code in "abknp"):
        raise _RecordProblem("the title (field 245) is empty")


def _check_indicators(tag: str, ind1: str, ind2: str, warnings: list[str]) -> tuple[str, str]:
    """Blank out '#' (the printed sign for blank) and bad values in local and holdings fields."""
    if ind1 in VALID_INDICATORS and ind2 in VALID_INDICATORS:
        return ind1, ind2
    # Holdings (841-88X) and local (9XX) fields are filled freely by each system; a wrong
    # indicator there is no reason to lose the bibliographic record.
    lenient = tag[:1] == "9" or "841" <= tag <= "889"
    fixed = []
    for value in (ind1, ind2):
        if value in VALID_INDICATORS:
            fixed.append(value)
        elif value == "#" or (lenient and value.isascii() and value.isprintable()):
            fixed.append(" ")
        else:
            raise _RecordProblem(f"field {tag} has bad indicators ({ind1 + ind2!r})")
    warnings.append(f"field {tag} had bad indicators ({ind1 + ind2!r}); blanks were used")
    return fixed[0], fixed[1]


def _leader_from_text(text: str, warnings: list[str]) -> Leader:
    if len(text) != 24:
        warnings.append(f"the leader had {len(text)} characters instead of 24 and was padded")
        text = (text + DEFAULT_LEADER[len(text) :])[:24]
    return Leader(text[:9] + "a" + text[10:])


def _build_record(leader: str | None, raw_fields: list, warnings: list[str]) -> Record:
    """Make a Record from decoded text fields (XML and JSON), checking tags and indicators."""
    record = Record(leader=DEFAULT_LEADER)
    if leader is None:
        if not raw_fields:
            raise _RecordProblem("the record has no leader and no fields: it is not MARC")
        warnings.append("the record had no leader; a default one was used")
        leader = DEFAULT_LEADER
    record.leader = _leader_from_text(_text(leader), warnings)
    for tag, ind1, ind2, data, subfields in raw_fields:
        if not tag:
            raise _RecordProblem("a field has no tag")
        if len(tag) != 3 or not tag.isalnum():
            raise _RecordProblem(f"a field has a bad tag ({tag!r})")
        if tag < "010" and tag.isdigit():
            record.fields.append(Field(tag, data=_text(data or "")))
            continue
        if ind1 is None or ind2 is None:
            warnings.append(f"field {tag} had no indicators; blanks were used")
        ind1 = " " if ind1 is None or ind1 == "" else ind1
        ind2 = " " if ind2 is None or ind2 == "" else ind2
        ind1, ind2 = _check_indicators(tag, ind1, ind2, warnings)
        clean = []
        for code, value in subfields:
            if not code or code not in VALID_SUBFIELD_CODES:
                raise _RecordProblem(f"field {tag} has a bad or missing subfield code ({code!r})")
            clean.append(Subfield(code, _text(value or "")))
        if not clean:
            warnings.append(f"field {tag} had no subfields and was dropped")
            continue
        record.fields.append(Field(tag, Indicators(ind1, ind2), clean))
    return record


def _text(value: str) -> str:
    return value if value.isascii() else _NFC("NFC", value)


# --------------------------------------------------------------------------- MARCXML


def _xml_chunks(blocks: Iterator[bytes], label: str) -> Iterator[tuple[int, bytes, str]]:
    """Cut MARCXML into innermost `record` elements: (byte offset, bytes, declared encoding).

    Records are parsed one by one so that one badly formed record does not stop the file,
    and the innermost element is taken so that OAI-PMH `record` wrappers are skipped.
    """
    buffer = b""
    base = 0  # file offset of buffer[0]
    encoding = "utf-8"
    pending_start: int | None = None  # start of an open record element in buffer
    pos = 0
    for block in blocks:
        if not buffer and base == 0:
            declared = _XML_ENCODING.match(block.lstrip())
            if declared:
                encoding = declared.group(1).decode("ascii")
                if encoding.lower().startswith("utf-16"):
                    encoding = "utf-8"  # UTF-16 files are re-encoded before they get here
        buffer += block
        incomplete_at: int | None = None
        while (match := _XML_TOKEN.search(buffer, pos)) is not None:
            token = match.group(0)
            closing = _XML_SKIPPED.get(token)
            if closing is not None:
                end = buffer.find(closing, match.end())
                if end < 0:
                    incomplete_at = match.start()
                    break
                pos = end + len(closing)
                continue
            tag_end = buffer.find(b">", match.end())
            if tag_end < 0:
                incomplete_at = match.start()
                break
            pos = tag_end + 1
            if match.group(1):  # an end tag closes the innermost open record
                if pending_start is not None:
                    yield base + pending_start, buffer[pending_start:pos], encoding
                    pending_start = None
            elif buffer[tag_end - 1] == 0x2F:  # an empty <record/>
                yield base + match.start(), buffer[match.start() : pos], encoding
            else:
                pending_start = match.start()
        # Keep only an open record or an unfinished token, and a short tail where a tag may
        # have been cut by the block boundary.
        if pending_start is not None:
            keep_from = pending_start
            if pos - pending_start > MAX_RECORD_BYTES:
                raise UnreadableFile(f"{label} holds a record element that never ends.")
        elif incomplete_at is not None:
            keep_from = incomplete_at
        else:
            keep_from = max(pos, len(buffer) - 64)
        buffer = buffer[keep_from:]
        base += keep_from
        pos = max(pos - keep_from, 0)
        if pending_start is not None:
            pending_start -= keep_from
    if pending_start is not None:
        # An unclosed record at the end of the file is still a record found (and rejected).
        yield base + pending_start, buffer[pending_start:], encoding


def _read_xml(blocks: Iterator[bytes], label: str) -> Iterator[ReadResult]:
    position = 0
    for position, (offset, chunk, encoding) in enumerate(_xml_chunks(blocks, label), start=1):
        try:
            record, warnings = _parse_xml_record(chunk, encoding)
            _check_bibliographic(record)
        except _RecordProblem as problem:
            found = _XML_CONTROL_NUMBER.search(chunk)
            number = found.group(1).decode("utf-8", "replace").strip() if found else None
            yield Rejected(position, offset, number or None, str(problem))
        else:
            yield Accepted(position, record, warnings)
    if position == 0:
        raise UnreadableFile(f"{label} is XML but holds no MARC records.")


def _parse_xml_record(chunk: bytes, encoding: str) -> tuple[Record, list[str]]:
    # Prefixes declared on an ancestor (marc:record inside a collection) are declared again on
    # a wrapper; only local names are used afterwards, so the URIs do not matter.
    prefixes = {p for p in _XML_PREFIXES.findall(chunk) if p not in (b"xml", b"xmlns")}
    declarations = b"".join(b" xmlns:" + p + b'="urn:libsys:' + p + b'"' for p in prefixes)
    document = (
        b'<?xml version="1.0" encoding="'
        + encoding.encode("ascii")
        + b'"?><wrapper'
        + declarations
        + b">"
        + chunk
        + b"</wrapper>"
    )
    try:
        element = ET.fromstring(document)[0]
    except ET.ParseError as error:
        raise _RecordProblem(f"the record is not well-formed XML ({error})") from None
    except LookupError:
        raise _RecordProblem(f"the XML declares an unknown encoding ({encoding})") from None
    warnings: list[str] = []
    leader = None
    raw_fields = []
    for child in element:
        local = child.tag.rpartition("}")[2]
        if local == "leader":
            leader = child.text or ""
        elif local == "controlfield":
            raw_fields.append((child.get("tag"), None, None, child.text or "", None))
        elif local == "datafield":
            subfields = [
                (sub.get("code"), sub.text or "")
                for sub in child
                if sub.tag.rpartition("}")[2] == "subfield"
            ]
            raw_fields.append(
                (child.get("tag"), child.get("ind1"), child.get("ind2"), None, subfields)
            )
    return _build_record(leader, raw_fields, warnings), warnings


# --------------------------------------------------------------------------- MARC-in-JSON


def _json_objects(blocks: Iterator[bytes], label: str) -> Iterator[tuple[int, object]]:
    """Stream top-level JSON objects from an array, one object, or one object per line."""
    decoder = json.JSONDecoder(strict=False)
    decode_bytes = codecs.getincrementaldecoder("utf-8")()
    text = ""
    exhausted = False
    in_array = False
    while True:
        if not exhausted:
            block = next(blocks, None)
            if block is None:
                exhausted = True
                text += decode_bytes.decode(b"", final=True)
            else:
                try:
                    text += decode_bytes.decode(block)
                except UnicodeDecodeError:
                    raise UnreadableFile(f"{label} is JSON but not UTF-8.") from None
        pos = 0
        while True:
            while pos < len(text) and text[pos] in " \t\r\n,":
                pos += 1
            if pos < len(text) and text[pos] == "[" and not in_array:
                in_array = True
                pos += 1
                continue
            if pos < len(text) and text[pos] == "]":
                pos += 1
                continue
            if pos >= len(text):
                break
            try:
                value, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError:
                if exhausted:
                    raise UnreadableFile(f"{label} is not well-formed JSON.") from None
                break
            yield pos, value
            pos = end
        text = text[pos:]
        if exhausted:
            if text.strip():
                raise UnreadableFile(f"{label} is not well-formed JSON.")
            return
        if len(text) > MAX_RECORD_BYTES:
            raise UnreadableFile(f"{label} holds a JSON value too large to be a record.")


def _read_json(blocks: Iterator[bytes], label: str) -> Iterator[ReadResult]:
    position = 0
    for position, (offset, value) in enumerate(_json_objects(blocks, label), start=1):
        try:
            record, warnings = _parse_json_record(value)
            _check_bibliographic(record)
        except _RecordProblem as problem:
            yield Rejected(position, offset, _json_control_number(value), str(problem))
        else:
            yield Accepted(position, record, warnings)
    if position == 0:
        raise UnreadableFile(f"{label} is JSON but holds no MARC records.")


def _parse_json_record(value: object) -> tuple[Record, list[str]]:
    if not isinstance(value, dict) or not isinstance(value.get("fields"), list):
        raise _RecordProblem("this JSON object is not a MARC-in-JSON record")
    warnings: list[str] = []
    raw_fields = []
    for item in value["fields"]:
        if not isinstance(item, dict) or len(item) != 1:
            raise _RecordProblem("a field is not a one-key JSON object")
        ((tag, content),) = item.items()
        if isinstance(content, str):
            raw_fields.append((tag, None, None, content, None))
        elif isinstance(content, dict):
            subfields = []
            for sub in content.get("subfields") or []:
                if not isinstance(sub, dict) or len(sub) != 1:
                    raise _RecordProblem(f"a subfield of field {tag} is not a one-key JSON object")
                ((code, text),) = sub.items()
                subfields.append((code, text if isinstance(text, str) else str(text)))
            raw_fields.append((tag, content.get("ind1"), content.get("ind2"), None, subfields))
        else:
            raise _RecordProblem(f"field {tag} is neither text nor an object")
    leader = value.get("leader")
    return _build_record(
        leader if isinstance(leader, str) else None, raw_fields, warnings
    ), warnings


def _json_control_number(value: object) -> str | None:
    if isinstance(value, dict):
        for item in value.get("fields") or []:
            if isinstance(item, dict) and isinstance(item.get("001"), str):
                return item["001"].strip() or None
    return None
