"""The demo network: Lai Châu province, modelled on the plan documents in seeds/."""

from libsys.extensions import db
from libsys.network.models import AdminUnit, Library, Store
from libsys.readers.models import ReaderCategory

# (code, name, level, parent code, population, children, remote)
ADMIN_UNITS = (
    ("12", "Tỉnh Lai Châu", "province", None, 482_100, 160_000, False),
    ("105", "Thành phố Lai Châu", "district", "12", 42_000, 12_000, False),
    ("106", "Huyện Tam Đường", "district", "12", 56_000, 19_000, False),
    ("107", "Huyện Phong Thổ", "district", "12", 84_000, 30_000, True),
    ("03390", "Phường Tân Phong", "commune", "105", 9_800, 2_700, False),
    ("03490", "Thị trấn Tam Đường", "commune", "106", 8_900, 2_600, False),
    ("03493", "Xã Bình Lư", "commune", "106", 7_600, 2_500, False),
    ("03496", "Xã Bản Giang", "commune", "106", 5_200, 1_900, True),
    ("03499", "Xã Nà Tăm", "commune", "106", 4_700, 1_700, True),
    ("03505", "Xã Sơn Bình", "commune", "106", 5_900, 2_100, True),
    ("03430", "Thị trấn Phong Thổ", "commune", "107", 7_100, 2_300, False),
    ("03436", "Xã Mường So", "commune", "107", 8_300, 3_000, True),
)  # fmt: skip

# (code, name, level, point kind, parent code, admin unit code, stores)
LIBRARIES = (
    ("TVLC", "Thư viện tỉnh Lai Châu", "provincial", None, None, "03390",
     ("VN", "VT", "TN", "DC", "NV", "LC", "DPT")),
    ("TVTD", "Thư viện huyện Tam Đường", "district", None, "TVLC", "03490",
     ("VN", "TN", "DC", "LC")),
    ("TVPT", "Thư viện huyện Phong Thổ", "district", None, "TVLC", "03430",
     ("VN", "TN", "LC")),
    ("TVBL", "Thư viện xã Bình Lư", "commune", None, "TVTD", "03493", ("VN", "TN")),
    ("THCSBL", "Thư viện Trường THCS Bình Lư", "school", None, "TVTD", "03493", ("VN", "TN")),
    ("THTD", "Thư viện Trường Tiểu học Thị trấn Tam Đường", "school", None, "TVTD", "03490",
     ("TN",)),
    ("BDBG", "Điểm Bưu điện - Văn hóa xã Bản Giang", "point", "post_office", "TVTD", "03496", ()),
    ("BDNT", "Điểm Bưu điện - Văn hóa xã Nà Tăm", "point", "post_office", "TVTD", "03499", ()),
    ("BDMS", "Điểm Bưu điện - Văn hóa xã Mường So", "point", "post_office", "TVPT", "03436", ()),
)  # fmt: skip

# store code -> (name, kind, reference only)
STORE_KINDS = {
    "VN": ("Kho mượn sách tiếng Việt", "lending", False),
    "VT": ("Kho đọc", "reading", True),
    "TN": ("Kho thiếu nhi", "children", False),
    "DC": ("Kho địa chí", "local_studies", True),
    "NV": ("Kho ngoại văn", "foreign", False),
    "LC": ("Kho luân chuyển", "rotation", False),
    "DPT": ("Kho đa phương tiện", "multimedia", True),
}

# (code, Vietnamese name, English name, children)
READER_CATEGORIES = (
    ("children", "Thiếu nhi", "Children", True),
    ("pupil", "Học sinh", "Pupils", False),
    ("student", "Sinh viên", "Students", False),
    ("official", "Cán bộ, công chức, viên chức", "Officials", False),
    ("worker", "Công nhân", "Workers", False),
    ("farmer", "Nông dân", "Farmers", False),
    ("elderly", "Người cao tuổi", "Elderly people", False),
    ("disabled", "Người khuyết tật", "People with disabilities", False),
    ("other", "Đối tượng khác", "Other", False),
)


def load_reader_categories() -> None:
    """The configurable reader categories, in the order reports list them."""
    for position, (code, name, name_en, children) in enumerate(READER_CATEGORIES):
        db.session.add(
            ReaderCategory(
                code=code, name=name, name_en=name_en, is_children=children, position=position
            )
        )
    db.session.flush()


def load_network() -> dict[str, Library]:
    """Administrative units, libraries, rotation points and their stores."""
    units: dict[str, AdminUnit] = {}
    for code, name, level, parent, population, children, remote in ADMIN_UNITS:
        units[code] = AdminUnit(
            code=code,
            name=name,
            level=level,
            parent=units.get(parent) if parent else None,
            population=population,
            children_population=children,
            remote=remote,
        )
        db.session.add(units[code])
    libraries: dict[str, Library] = {}
    for code, name, level, kind, parent, unit, stores in LIBRARIES:
        library = Library(
            code=code,
            name=name,
            level=level,
            point_kind=kind,
            parent=libraries.get(parent) if parent else None,
            admin_unit=units[unit],
            address=units[unit].path(),
        )
        for store_code in stores:
            store_name, store_kind, reference_only = STORE_KINDS[store_code]
            library.stores.append(
                Store(
                    code=store_code,
                    name=store_name,
                    kind=store_kind,
                    reference_only=reference_only,
                )
            )
        libraries[code] = library
        db.session.add(library)
    db.session.flush()
    return libraries
