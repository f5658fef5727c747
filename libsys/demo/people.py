"""Demo staff (one per role) and a few hundred readers with Vietnamese names."""

import random
from datetime import date, timedelta

from faker import Faker

from libsys.accounts.services import create_user
from libsys.readers.services import register_reader

DEMO_PASSWORD = "libsys-demo"
DEMO_READER_PASSWORD = "bandoc123"

# (user name, role, library code, full name)
STAFF = (
    ("admin", "admin", None, "Quản trị hệ thống"),
    ("quanly", "manager", "TVLC", "Lò Thị Hương"),
    ("biensoan", "cataloguer", "TVLC", "Nguyễn Thị Mai"),
    ("thuthu", "circulation", "TVLC", "Tòng Văn Thắng"),
    ("thuthu.td", "circulation", "TVTD", "Phạm Thị Lan"),
    ("luanchuyen", "rotation_officer", "TVTD", "Đặng Văn Dũng"),
    ("diem.bangiang", "point_keeper", "BDBG", "Lý Thị Sùng"),
    ("baocao", "viewer", None, "Phòng Văn hóa và Thông tin"),
)

# Ethnic make-up weighted roughly like Lai Châu (GSO codes).
ETHNIC_WEIGHTS = (
    ("03", 33), ("08", 24), ("01", 17), ("09", 12), ("35", 4), ("42", 2), ("06", 2),
    ("41", 1), ("02", 2), ("07", 1), ("25", 1), ("29", 1),
)  # fmt: skip

# Reader categories with the age range (years) a reader of that category has.
CATEGORY_AGES = (
    ("children", 6, 11, 22),
    ("pupil", 11, 18, 30),
    ("student", 18, 24, 8),
    ("official", 24, 60, 14),
    ("worker", 20, 55, 5),
    ("farmer", 20, 65, 10),
    ("elderly", 60, 85, 6),
    ("disabled", 15, 60, 2),
    ("other", 18, 60, 3),
)
READER_LIBRARIES = (("TVLC", 45), ("TVTD", 30), ("TVPT", 10), ("TVBL", 8), ("THCSBL", 7))
LIBRARY_COMMUNES = {
    "TVLC": ("03390",),
    "TVTD": ("03490", "03493", "03496", "03499", "03505"),
    "TVPT": ("03430", "03436"),
    "TVBL": ("03493",),
    "THCSBL": ("03493",),
}
VILLAGES = ("Nà Khum", "Cò Nọt", "Hợp 1", "Phiêng Pát", "Tẩn Giang")
SCHOOLS = ("Trường THCS Bình Lư", "Trường Tiểu học Thị trấn Tam Đường", "Trường THPT Lai Châu")


def load_staff() -> list[tuple[str, str]]:
    """One account per role; returns (user name, role) pairs."""
    for username, role, library, full_name in STAFF:
        create_user(username, DEMO_PASSWORD, role, library, full_name=full_name)
    return [(username, role) for username, role, _library, _name in STAFF]


FEMALE_MIDDLE_NAMES = ("Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng")
MALE_MIDDLE_NAMES = ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công")


def vietnamese_name(fake, rng, gender: str) -> str:
    """Family name, middle name and given name, in that order, with no title (Faker's
    vi_VN names put the given name first and add "Bà", "Quý ông"...)."""
    if gender == "female":
        middle = rng.choice(FEMALE_MIDDLE_NAMES)
        given = fake.first_name_female()
    else:
        middle = rng.choice(MALE_MIDDLE_NAMES)
        given = fake.first_name_male()
    return " ".join(part for part in (fake.last_name(), middle, given) if part)


def load_readers(count: int, today: date, seed: int = 2026) -> list:
    """Readers spread over the network's libraries, categories, ages and ethnicities."""
    fake = Faker("vi_VN")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    readers = []
    for index in range(count):
        category, youngest, oldest, _weight = rng.choices(
            CATEGORY_AGES, weights=[c[3] for c in CATEGORY_AGES]
        )[0]
        age = rng.randint(youngest, oldest)
        born = today - timedelta(days=age * 365 + rng.randint(0, 364))
        gender = rng.choice(("female", "male"))
        name = vietnamese_name(fake, rng, gender)
        library = rng.choices(READER_LIBRARIES, weights=[w for _c, w in READER_LIBRARIES])[0][0]
        issued = today - timedelta(days=rng.randint(0, 700))
        data = {
            "full_name": name,
            "date_of_birth": born,
            "gender": gender,
            "ethnicity": rng.choices(ETHNIC_WEIGHTS, weights=[w for _c, w in ETHNIC_WEIGHTS])[0][0],
            "category": category,
            "home_library": library,
            "admin_unit": rng.choice(LIBRARY_COMMUNES[library]),
            "address": f"Bản {rng.choice(VILLAGES)}",
            "phone": "09" + "".join(str(rng.randint(0, 9)) for _ in range(8)),
            "card_issued": issued,
            "card_expires": issued + timedelta(days=365 * 2),
            "disability": category == "disabled",
        }
        if category in ("children", "pupil"):
            data["school"] = rng.choice(
                (
                    "Trường THCS Bình Lư",
                    "Trường Tiểu học Thị trấn Tam Đường",
                    "Trường THPT Lai Châu",
                )
            )
        if category == "children":
            data["guardian_name"] = vietnamese_name(fake, rng, rng.choice(("female", "male")))
            data["guardian_phone"] = "09" + "".join(str(rng.randint(0, 9)) for _ in range(8))
        if index < 3:
            data["password"] = DEMO_READER_PASSWORD
            data["card_expires"] = today + timedelta(days=365)
        readers.append(register_reader(data))
    return readers
