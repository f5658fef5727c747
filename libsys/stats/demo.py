"""The demo's plans: the five seed documents (`../shared/seeds/`) with the targets they state.

Numbers are the documents' own; a scope is a library code of the demo network (TVLC is the
provincial library, TVTD the Tam Đường district library), a level of library, or None for
the whole network. Two documents (Lạng Sơn's plan for Directive 20 and the Department's
guidance for 2022) set tasks and deadlines but no figure: they are loaded without targets.
"""

from datetime import date

from libsys.stats.plans import add_plan

_2016_2019 = range(2016, 2020)
_2021_2025 = range(2021, 2026)

# (number, issuer, issued on, (first year, last year), title, targets); a target is
# (indicator, scope, years, min, max).
SEED_PLANS = (
    (
        None,
        "UBND thành phố Lạng Sơn",
        date(2023, 1, 1),
        (2023, 2023),
        "Kế hoạch triển khai thực hiện Chỉ thị số 20/CT-TTg về đẩy mạnh đổi mới hoạt động "
        "của thư viện trong xây dựng, phát triển kỹ năng đọc cho thiếu nhi",
        (),
    ),
    (
        None,
        "UBND thành phố Bắc Kạn",
        date(2023, 7, 1),
        (2023, 2030),
        "Kế hoạch triển khai Chương trình “Đẩy mạnh các hoạt động phục vụ học tập suốt đời "
        "trong thư viện, trung tâm văn hoá đến năm 2030”",
        (
            # Library users up 5 % a year on average to 2025, 10 % a year to 2030.
            ("visits_growth", None, range(2023, 2026), 5, None),
            ("visits_growth", None, range(2026, 2031), 10, None),
        ),
    ),
    (
        None,
        "UBND huyện Tam Đường",
        date(2022, 1, 1),
        (2021, 2030),
        "Kế hoạch phát triển mạng lưới thư viện giai đoạn 2021 - 2025, định hướng đến năm "
        "2030 trên địa bàn huyện Tam Đường",
        (
            ("holdings_copies", "TVTD", _2021_2025, 16_000, None),
            ("holdings_titles", "TVTD", _2021_2025, 1_200, None),
            ("periodical_titles", "TVTD", _2021_2025, 10, None),
            ("visits", "TVTD", _2021_2025, 35_000, None),
            # 1.5 copies per inhabitant overall, 0.4 in the public libraries' system.
            ("copies_per_inhabitant", "TVTD", _2021_2025, 0.4, None),
            # Every inhabitant reads 4 printed or electronic publications a year or more.
            ("document_uses_per_inhabitant", "TVTD", _2021_2025, 4, None),
            # Every district library rotates its collection to the new-rural communes.
            ("rotation_points_served", "district", _2021_2025, 1, None),
        ),
    ),
    (
        "1133/KH-UBND",
        "UBND tỉnh Lai Châu",
        date(2015, 12, 16),
        (2016, 2020),
        "Kế hoạch triển khai thực hiện Đề án “Đẩy mạnh các hoạt động học tập suốt đời trong "
        "các thư viện, bảo tàng, nhà văn hóa, câu lạc bộ” trên địa bàn tỉnh Lai Châu đến "
        "năm 2020",
        (
            ("visits", "provincial", _2016_2019, 8_000, 9_000),
            ("visits", "provincial", (2020,), 10_000, 12_000),
            ("visits", "district", _2016_2019, 15_000, 17_000),
            ("visits", "district", (2020,), 17_000, 18_000),
            ("acquired_copies", "provincial", _2016_2019, 3_000, 4_000),
            ("acquired_copies", "provincial", (2020,), 4_000, 5_000),
            ("acquired_copies", "district", range(2016, 2021), 500, 1_000),
            ("periodical_titles", "provincial", range(2016, 2021), 20, 30),
            ("periodical_titles", "district", range(2016, 2021), 10, 20),
            ("exhibitions", "provincial", range(2016, 2021), 15, 20),
            ("exhibitions", "district", range(2016, 2021), 15, 20),
        ),
    ),
    (
        None,
        "Sở Văn hóa, Thể thao và Du lịch tỉnh Lai Châu",
        date(2021, 9, 1),
        (2022, 2022),
        "Hướng dẫn kế hoạch triển khai nhiệm vụ năm 2022 trong lĩnh vực thư viện",
        (),
    ),
)


def load_plans() -> list:
    """Record the seed plans and their targets."""
    return [add_plan(*plan) for plan in SEED_PLANS]


def load_demo(context: dict) -> list[str]:
    """The demo part of statistics: the five seed plans with their targets."""
    plans = load_plans()
    targets = sum(len(plan.targets) for plan in plans)
    return [f"plans: {len(plans)}, targets: {targets}"]
