"""describe() on real records: values read from the files by hand."""

from pathlib import Path

import pytest
from pymarc import Field, Indicators, Record, Subfield

from libsys.catalog.marc import Accepted, describe, read_marc
from libsys.catalog.marc.describe import MATERIAL_TYPES

DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "marc"
needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"shared MARC test files not found at {DATA}"
)


def _record(relative: str, control_number: str | None = None) -> Record:
    for result in read_marc(DATA / relative):
        if isinstance(result, Accepted) and (
            control_number is None or result.record["001"].data.strip() == control_number
        ):
            return result.record
    raise LookupError(control_number)


@needs_data
def test_describe_an_lc_book():
    d = describe(_record("pymarc/one.dat"))
    assert d.title == "ActivePerl with ASP and ADO"
    assert d.responsibility == "Tobias Martinsson"
    assert d.authors == ["Martinsson, Tobias, 1976-"]
    assert d.isbns == ["9780471383147"]
    assert d.year == 2000
    assert (d.place, d.publisher) == ("New York", "John Wiley & Sons")
    assert d.ddc == "005.133"
    assert d.material_type == "book"
    assert d.language == "eng"
    assert (d.control_number, d.control_source) == ("fol05731351", "IMchF")
    assert d.subjects[0] == "Perl (Computer program language)"
    assert (d.pages, d.size) == ("xxi, 289 p", "23 cm")


@needs_data
def test_describe_a_vietnamese_book():
    d = describe(_record("folio/CornellFOLIOExemplars.mrc", "9220704"))
    assert d.title == "Phóng sự báo chí : lý thuyết, kỹ năng và kinh nghiệm"
    assert d.subtitle == "lý thuyết, kỹ năng và kinh nghiệm"
    assert d.responsibility == "TS. Nguyễn Quang Hòa"
    assert d.authors[0] == "Nguyễn, Quang Hòa"
    assert (d.place, d.year, d.language) == ("Hà Nội", 2015, "vie")
    assert d.subjects == ["Reporters and reporting", "Journalism -- Authorship"]
    assert d.match_key == "phong su bao chi ly thuyet ky nang va kinh nghiem|nguyen quang hoa|2015"


@needs_data
def test_isbn10s_become_isbn13s():
    d = describe(_record("pymarc/multi_isbn.dat"))
    assert d.isbns == ["9780914378280", "9780914378297", "9780914378266"]
    assert d.series == ["Her Waste ; pt. 1"]
    k = describe(_record("koha/misc4dev_bibs_with_952.mrc", "17446121"))
    assert k.isbns == ["9780670026623"]
    assert k.title.startswith("E Street shuffle")
    assert k.edition == "First American edition"
    assert k.subjects[-1] == "Rock musicians -- United States -- Biography"


@needs_data
def test_bad_isbns_are_kept_apart():
    descriptions = [describe(r.record) for r in read_marc(DATA / "evergreen/badisbns.xml")]
    assert sum(len(d.invalid_isbns) for d in descriptions) > 0
    assert all(len(isbn) == 13 and isbn.isdigit() for d in descriptions for isbn in d.isbns)


@needs_data
def test_material_types_of_a_music_library():
    types = {describe(r.record).material_type for r in read_marc(DATA / "evergreen/jazz_1k.mrc")}
    assert {"sound", "score", "book", "video"} <= types
    assert types <= set(MATERIAL_TYPES.values())


def test_children_audience_and_fold_of_d_bar():
    record = Record()
    record.leader = "00000nam a2200000 a 4500"
    record.add_field(
        Field("008", data="150101s2015    vm     j      000 0 vie d"),
        Field("100", Indicators("0", " "), [Subfield("a", "Đặng Thu Quỳnh.")]),
        Field("245", Indicators("1", "0"), [Subfield("a", "Đội thiếu niên /")]),
    )
    d = describe(record)
    assert d.audience_children
    assert d.title == "Đội thiếu niên"
    assert d.match_key == "doi thieu nien|dang thu quynh|2015"
