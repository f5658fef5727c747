"""Reading the real MARC test files: every record is accepted or rejected, none is lost."""

import io
import unicodedata
from pathlib import Path

import pytest
from pymarc import MARCReader

from libsys.catalog.marc import Accepted, Rejected, UnreadableFile, count_permissive, read_marc
from tests.catalog.helpers import NOT_MARC

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "marc"
needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"shared MARC test files not found at {DATA}"
)


def _all_files() -> list[str]:
    if not DATA.is_dir():
        return []
    return sorted(str(path.relative_to(DATA)) for path in DATA.rglob("*") if path.is_file())


def _read(relative: str) -> list:
    return list(read_marc(DATA / relative))


def _accepted(relative: str) -> list[Accepted]:
    return [result for result in _read(relative) if isinstance(result, Accepted)]


@needs_data
@pytest.mark.parametrize("relative", _all_files())
def test_every_record_is_accepted_or_rejected(relative):
    if relative in NOT_MARC:
        with pytest.raises(UnreadableFile) as refused:
            _read(relative)
        assert refused.value.reason
        return
    results = _read(relative)
    accepted = [r for r in results if isinstance(r, Accepted)]
    rejected = [r for r in results if isinstance(r, Rejected)]
    assert len(accepted) + len(rejected) == count_permissive(DATA / relative)
    assert [r.position for r in results] == list(range(1, len(results) + 1))
    for rejection in rejected:
        assert rejection.position >= 1
        assert rejection.offset is not None and rejection.offset >= 0
        assert rejection.reason.strip()
    for acceptance in accepted:
        assert acceptance.record.get("245") is not None
        assert acceptance.record.leader[9] == "a"


@needs_data
def test_no_file_in_the_folder_is_left_out():
    assert len(_all_files()) > 200  # the rglob found the whole tree, not one folder


@needs_data
def test_utf8_bytes_under_a_marc8_leader_are_read_as_utf8():
    accepted = _accepted("evergreen/FSL.marc")
    assert len(accepted) == 52
    titles = [r.record["245"]["a"] for r in accepted]
    assert titles[0].startswith("Люди с чистой совестью")
    assert not any("Ã" in title or "Ð" in title for title in titles)
    assert all(any("utf-8" in w.lower() for w in r.warnings) for r in accepted)


@needs_data
def test_marc8_titles_equal_pymarcs_own_conversion():
    relative = "evergreen/lul_fre_500.mrc"
    with open(DATA / relative, "rb") as handle:
        expected = [
            unicodedata.normalize("NFC", record["245"].value())
            for record in MARCReader(handle, to_unicode=True)
        ]
    ours = [r.record["245"].value() for r in _accepted(relative)]
    assert len(ours) == 500
    assert ours == expected
    assert any(not title.isascii() for title in ours)


@needs_data
def test_wrong_record_lengths_are_recovered_through_terminators():
    relative = "folio/CornellFOLIOExemplars2.mrc"
    with open(DATA / relative, "rb") as handle:
        assert not any(MARCReader(handle))  # pymarc gives up at the first record
    results = _read(relative)
    accepted = [r for r in results if isinstance(r, Accepted)]
    rejected = [r for r in results if isinstance(r, Rejected)]
    assert len(accepted) == 27
    assert rejected[0].position == 1 and rejected[0].offset == 0
    assert "record length in leader (01240)" in rejected[0].reason
    assert rejected[-1].position == 29 and "ends in the middle" in rejected[-1].reason


@needs_data
def test_one_wrong_length_with_a_sound_directory_is_kept_with_a_warning():
    (result,) = _read("dnb/invalid.mrc")
    assert isinstance(result, Accepted)
    assert any("record length in leader (01686)" in w for w in result.warnings)


@needs_data
def test_records_over_99999_bytes_are_read_in_field_order():
    results = _read("marc4j/bad_hathi_records.mrc")
    big = results[3]
    assert isinstance(big, Accepted)
    assert any("longer than ISO 2709 allows" in w for w in big.warnings)
    assert len(big.record.fields) > 1000


@needs_data
def test_marcxml_without_collection_root_or_namespace():
    accepted = _accepted("evergreen/serials_marc21.xml")
    assert len(accepted) == 7
    assert all(r.record["245"]["a"] for r in accepted)


@needs_data
def test_one_badly_formed_xml_record_does_not_stop_the_file():
    results = _read("koha/misc4dev_bibs.raw.marcxml")
    rejected = [r for r in results if isinstance(r, Rejected)]
    assert len(results) == 436
    assert len(rejected) == 1
    assert "not well-formed XML" in rejected[0].reason
    assert rejected[0].control_number


@needs_data
def test_decomposed_vietnamese_comes_out_composed():
    relative = "folio/CornellFOLIOExemplars.mrc"
    raw = (DATA / relative).read_bytes()
    assert "Phóng".encode() not in raw  # stored decomposed (NFD)
    assert unicodedata.normalize("NFD", "Phóng").encode() in raw
    (record,) = [r.record for r in _accepted(relative) if r.record["001"].data == "9220704"]
    title = record["245"]["a"]
    assert title.startswith("Phóng sự báo chí")
    for found in record.fields:
        values = [found.data] if found.control_field else [v for _, v in found.subfields]
        assert all(unicodedata.is_normalized("NFC", value) for value in values)


@needs_data
def test_bad_records_are_rejected_with_reasons_and_reading_goes_on():
    results = _read("pymarc/bad_records.mrc")
    assert len(results) == 8
    # A wrong base address is only a warning when every directory entry still points to a
    # complete field; a broken directory or a record without fields is rejected.
    assert {r.position for r in results if isinstance(r, Rejected)} == {4, 5, 7}
    assert all(r.warnings for r in results if isinstance(r, Accepted) and r.position in (2, 3, 6))
    reasons = {r.reason for r in _read("pymarc/bad_marc8_escape.dat")}
    assert any("MARC-8" in reason for reason in reasons)
    (bad_subfield,) = _read("pymarc/bad_subfield_code.dat")
    assert isinstance(bad_subfield, Rejected)


@needs_data
def test_reads_from_a_binary_file_object_gzip_and_json():
    with open(DATA / "traject/test_data.utf8.mrc", "rb") as handle:
        from_handle = [r.record["001"].data for r in read_marc(handle, name="upload.mrc")]
    from_gzip = [r.record["001"].data for r in _accepted("traject/test_data.utf8.mrc.gz")]
    from_json = [r.record["001"].data for r in _accepted("traject/test_data.utf8.json")]
    from_xml = [r.record["001"].data for r in _accepted("traject/test_data.utf8.marc.xml")]
    assert len(from_handle) == 30
    assert from_handle == from_gzip == from_json == from_xml


def test_empty_and_junk_files_are_unreadable():
    with pytest.raises(UnreadableFile, match="empty"):
        list(read_marc(io.BytesIO(b"  \n"), name="empty.mrc"))
    with pytest.raises(UnreadableFile, match="junk.bin"):
        list(read_marc(io.BytesIO(bytes(range(256)) * 10), name="junk.bin"))
    with pytest.raises(UnreadableFile):
        list(read_marc(io.BytesIO(b"<html><body>not marc</body></html>")))


def test_nfd_input_is_normalised_and_a_short_record_is_rejected():
    from pymarc import Field, Indicators, Record, Subfield

    record = Record()
    record.leader = "00000nam a2200000 a 4500"
    decomposed = unicodedata.normalize("NFD", "Văn hoá đọc")
    record.add_field(
        Field("001", data="vn-1"),
        Field("245", Indicators("1", "0"), [Subfield("a", decomposed)]),
    )
    data = record.as_marc() + b"01234nam"
    first, second = read_marc(io.BytesIO(data))
    assert first.record["245"]["a"] == "Văn hoá đọc"
    assert isinstance(second, Rejected) and second.position == 2
    assert second.offset == len(record.as_marc())
