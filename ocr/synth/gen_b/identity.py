"""Random Vietnamese identities: names, places, ID numbers and card dates.

Everything here is invented from public, generic facts (common family names,
province codes of Circular 07/2016/TT-BCA, well-known street names).
No real person's data is used.
"""

from __future__ import annotations

import datetime as dt
import random

FAMILY = [
    ("Nguyễn", 30),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 4),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Đinh", 1),
    ("Trương", 1),
    ("Lâm", 1),
    ("Mai", 1),
    ("Cao", 1),
    ("Tạ", 1),
    ("Hà", 1),
    ("Kiều", 1),
    ("Đoàn", 1),
    ("Lương", 1),
    ("Trịnh", 1),
    ("Quách", 1),
    ("Châu", 1),
    ("Từ", 1),
]
MIDDLE_M = [
    "Văn",
    "Văn",
    "Đức",
    "Minh",
    "Quốc",
    "Hữu",
    "Thành",
    "Công",
    "Xuân",
    "Ngọc",
    "Anh",
    "Gia",
    "Hoàng",
    "Tuấn",
    "Đình",
    "Quang",
    "Trọng",
    "Bảo",
    "Mạnh",
    "Thế",
]
MIDDLE_F = [
    "Thị",
    "Thị",
    "Thị",
    "Ngọc",
    "Thu",
    "Thanh",
    "Kim",
    "Minh",
    "Bảo",
    "Hồng",
    "Phương",
    "Mỹ",
    "Diệu",
    "Khánh",
    "Thùy",
    "Hải",
    "Quỳnh",
    "Tuyết",
]
GIVEN_M = [
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khang",
    "Khoa",
    "Kiên",
    "Long",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phúc",
    "Quân",
    "Sơn",
    "Tài",
    "Thắng",
    "Thịnh",
    "Trung",
    "Tùng",
    "Vinh",
    "Việt",
    "Hiệp",
    "Lộc",
    "Toàn",
    "Đức",
    "Khải",
    "Luân",
    "Phước",
    "Quyết",
    "Trường",
    "Tuấn",
    "Vĩnh",
    "Thuận",
    "Hưng",
]
GIVEN_F = [
    "An",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hương",
    "Huyền",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Quỳnh",
    "Thảo",
    "Thư",
    "Trang",
    "Uyên",
    "Vân",
    "Yến",
    "Nhi",
    "Tuyết",
    "Ánh",
    "Diễm",
    "Hiền",
    "Liên",
    "Ngọc",
    "Nhàn",
    "Thủy",
    "Trâm",
    "Xuân",
    "Duyên",
]

# (code, printed name, administrative prefix used in long forms)
PROVINCES = [
    ("001", "Hà Nội", "TP."),
    ("002", "Hà Giang", "Tỉnh"),
    ("004", "Cao Bằng", "Tỉnh"),
    ("006", "Bắc Kạn", "Tỉnh"),
    ("008", "Tuyên Quang", "Tỉnh"),
    ("010", "Lào Cai", "Tỉnh"),
    ("011", "Điện Biên", "Tỉnh"),
    ("012", "Lai Châu", "Tỉnh"),
    ("014", "Sơn La", "Tỉnh"),
    ("015", "Yên Bái", "Tỉnh"),
    ("017", "Hòa Bình", "Tỉnh"),
    ("019", "Thái Nguyên", "Tỉnh"),
    ("020", "Lạng Sơn", "Tỉnh"),
    ("022", "Quảng Ninh", "Tỉnh"),
    ("024", "Bắc Giang", "Tỉnh"),
    ("025", "Phú Thọ", "Tỉnh"),
    ("026", "Vĩnh Phúc", "Tỉnh"),
    ("027", "Bắc Ninh", "Tỉnh"),
    ("030", "Hải Dương", "Tỉnh"),
    ("031", "Hải Phòng", "TP."),
    ("033", "Hưng Yên", "Tỉnh"),
    ("034", "Thái Bình", "Tỉnh"),
    ("035", "Hà Nam", "Tỉnh"),
    ("036", "Nam Định", "Tỉnh"),
    ("037", "Ninh Bình", "Tỉnh"),
    ("038", "Thanh Hóa", "Tỉnh"),
    ("040", "Nghệ An", "Tỉnh"),
    ("042", "Hà Tĩnh", "Tỉnh"),
    ("044", "Quảng Bình", "Tỉnh"),
    ("045", "Quảng Trị", "Tỉnh"),
    ("046", "Thừa Thiên Huế", "Tỉnh"),
    ("048", "Đà Nẵng", "TP."),
    ("049", "Quảng Nam", "Tỉnh"),
    ("051", "Quảng Ngãi", "Tỉnh"),
    ("052", "Bình Định", "Tỉnh"),
    ("054", "Phú Yên", "Tỉnh"),
    ("056", "Khánh Hòa", "Tỉnh"),
    ("058", "Ninh Thuận", "Tỉnh"),
    ("060", "Bình Thuận", "Tỉnh"),
    ("062", "Kon Tum", "Tỉnh"),
    ("064", "Gia Lai", "Tỉnh"),
    ("066", "Đắk Lắk", "Tỉnh"),
    ("067", "Đắk Nông", "Tỉnh"),
    ("068", "Lâm Đồng", "Tỉnh"),
    ("070", "Bình Phước", "Tỉnh"),
    ("072", "Tây Ninh", "Tỉnh"),
    ("074", "Bình Dương", "Tỉnh"),
    ("075", "Đồng Nai", "Tỉnh"),
    ("077", "Bà Rịa - Vũng Tàu", "Tỉnh"),
    ("079", "Hồ Chí Minh", "TP."),
    ("080", "Long An", "Tỉnh"),
    ("082", "Tiền Giang", "Tỉnh"),
    ("083", "Bến Tre", "Tỉnh"),
    ("084", "Trà Vinh", "Tỉnh"),
    ("086", "Vĩnh Long", "Tỉnh"),
    ("087", "Đồng Tháp", "Tỉnh"),
    ("089", "An Giang", "Tỉnh"),
    ("091", "Kiên Giang", "Tỉnh"),
    ("092", "Cần Thơ", "TP."),
    ("093", "Hậu Giang", "Tỉnh"),
    ("094", "Sóc Trăng", "Tỉnh"),
    ("095", "Bạc Liêu", "Tỉnh"),
    ("096", "Cà Mau", "Tỉnh"),
]
# A few real districts for the big provinces; other provinces draw from a generic pool.
DISTRICTS = {
    "Hà Nội": [
        ("Quận", "Cầu Giấy"),
        ("Quận", "Đống Đa"),
        ("Quận", "Hoàng Mai"),
        ("Quận", "Long Biên"),
        ("Quận", "Thanh Xuân"),
        ("Huyện", "Gia Lâm"),
        ("Huyện", "Đông Anh"),
        ("Quận", "Hà Đông"),
    ],
    "Hồ Chí Minh": [
        ("Quận", "Bình Thạnh"),
        ("Quận", "Gò Vấp"),
        ("Quận", "Tân Bình"),
        ("Quận", "3"),
        ("Quận", "10"),
        ("Huyện", "Bình Chánh"),
        ("Huyện", "Củ Chi"),
        ("TP.", "Thủ Đức"),
    ],
    "Hải Phòng": [("Quận", "Lê Chân"), ("Quận", "Ngô Quyền"), ("Huyện", "Thủy Nguyên"), ("Huyện", "An Lão")],
    "Đà Nẵng": [("Quận", "Hải Châu"), ("Quận", "Thanh Khê"), ("Quận", "Sơn Trà"), ("Huyện", "Hòa Vang")],
    "Cần Thơ": [("Quận", "Ninh Kiều"), ("Quận", "Cái Răng"), ("Huyện", "Phong Điền")],
    "Thanh Hóa": [("Huyện", "Tĩnh Gia"), ("Huyện", "Hoằng Hóa"), ("Huyện", "Nông Cống"), ("TP.", "Sầm Sơn")],
    "Nghệ An": [("Huyện", "Diễn Châu"), ("Huyện", "Nghi Lộc"), ("Huyện", "Yên Thành"), ("TP.", "Vinh")],
    "Nam Định": [("Huyện", "Hải Hậu"), ("Huyện", "Giao Thủy"), ("Huyện", "Ý Yên")],
    "Thái Bình": [("Huyện", "Kiến Xương"), ("Huyện", "Tiền Hải"), ("Huyện", "Quỳnh Phụ")],
    "An Giang": [("Huyện", "Chợ Mới"), ("TP.", "Long Xuyên"), ("Huyện", "Phú Tân")],
    "Cà Mau": [("Huyện", "Năm Căn"), ("Huyện", "Cái Nước"), ("Huyện", "Trần Văn Thời")],
}
GENERIC_DISTRICTS = [
    "Phú Lộc",
    "Yên Lạc",
    "Tam Nông",
    "Châu Thành",
    "Thạch Hà",
    "Lương Sơn",
    "Kim Bảng",
    "Tiên Du",
    "Đông Hưng",
    "Hòa Thành",
    "Krông Pắc",
    "Đức Trọng",
    "Bình Sơn",
    "Tuy Phước",
    "Ninh Hải",
    "Hàm Thuận Bắc",
    "Cam Lâm",
    "Lục Ngạn",
]
COMMUNES = [
    "Tân Phú",
    "An Bình",
    "Hòa Lợi",
    "Phú Lâm",
    "Trung Hòa",
    "Hải Thanh",
    "Quảng Phú",
    "Nghĩa Đô",
    "Xuân Phương",
    "Đông Sơn",
    "Thanh Lương",
    "Phước Long",
    "Mỹ Hòa",
    "Tân Thạnh",
    "Bình Trị Đông",
    "Hiệp Thành",
    "Long Hưng",
    "Vĩnh Thạnh",
    "Cẩm Lệ",
    "Tiền Phong",
    "Hồng Thái",
    "Hòa Khánh",
    "Thạnh Mỹ",
    "Yên Hòa",
    "Đại Mỗ",
]
STREETS = [
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Nguyễn Trãi",
    "Lý Thường Kiệt",
    "Hai Bà Trưng",
    "Nguyễn Huệ",
    "Điện Biên Phủ",
    "Cách Mạng Tháng Tám",
    "Võ Văn Tần",
    "Phan Đình Phùng",
    "Hoàng Hoa Thám",
    "Quang Trung",
    "Lạc Long Quân",
    "Nguyễn Văn Cừ",
    "Trần Duy Hưng",
    "Lê Duẩn",
    "Bạch Đằng",
    "Nguyễn Thị Minh Khai",
    "Phạm Văn Đồng",
    "Tôn Đức Thắng",
]
VILLAGES = ["Đông", "Thượng", "Trung", "Hạ", "Phú Mỹ", "An Lạc", "Bình An", "Tân Lập", "Đồng Tâm"]


def pick_name(rng: random.Random, male: bool) -> tuple[str, str, str]:
    """Returns (family, middle names, given) in title case."""
    fam = rng.choices([f for f, _ in FAMILY], [w for _, w in FAMILY])[0]
    mids = MIDDLE_M if male else MIDDLE_F
    middle = rng.choice(mids)
    if rng.random() < 0.22:
        second = rng.choice(mids)
        if second != middle:
            middle = f"{middle} {second}"
    given = rng.choice(GIVEN_M if male else GIVEN_F)
    return fam, middle, given


def _district(rng, prov_name):
    if prov_name in DISTRICTS:
        return rng.choice(DISTRICTS[prov_name])
    return (rng.choice(["Huyện", "Huyện", "Thị xã", "TP."]), rng.choice(GENERIC_DISTRICTS))


def place(rng: random.Random, prov: tuple, street: bool, style: str) -> str:
    """A printed place. style: 'full' (Xã X, Huyện Y, Tỉnh Z), 'short' (X, Y, Z),
    'abbr' (X. X, H. Y, T. Z, old CMND style)."""
    _, pname, pprefix = prov
    dkind, dname = _district(rng, pname)
    urban = dkind in ("Quận", "TP.", "Thị xã")
    ckind = "Phường" if urban else ("Thị trấn" if rng.random() < 0.1 else "Xã")
    cname = rng.choice(COMMUNES)
    head = ""
    if street:
        r = rng.random()
        if urban and r < 0.5:
            head = f"Số {rng.randint(1, 320)}"
            if rng.random() < 0.5:
                head += f" Ngõ {rng.randint(2, 180)}"
            head += f" {rng.choice(['Phố', 'Đường'])} {rng.choice(STREETS)}"
        elif urban:
            head = f"Tổ {rng.randint(1, 40)}" if rng.random() < 0.5 else f"Khu phố {rng.randint(1, 12)}"
            if rng.random() < 0.5:
                head = f"{rng.randint(1, 200)}/{rng.randint(1, 40)} {rng.choice(STREETS)}, " + head
        else:
            head = rng.choice(["Thôn", "Xóm", "Ấp", "Bản"]) + " " + rng.choice(VILLAGES)
    if style == "abbr":
        ab = {
            "Xã": "X.",
            "Phường": "P.",
            "Thị trấn": "TT.",
            "Huyện": "H.",
            "Quận": "Q.",
            "Thị xã": "TX.",
            "TP.": "TP.",
        }
        parts = [
            f"{ab[ckind]} {cname}",
            f"{ab[dkind]} {dname}",
            f"{'TP.' if pprefix == 'TP.' else 'T.'} {pname}",
        ]
    elif style == "full":
        pn = f"TP. {pname}" if pprefix == "TP." else f"Tỉnh {pname}"
        if rng.random() < 0.4:
            pn = pname
        parts = [f"{ckind} {cname}", f"{dkind} {dname}", pn]
    else:
        parts = [cname, f"{dkind} {dname}" if dname.isdigit() else dname, pname]
    if head:
        parts.insert(0, head)
    return ", ".join(parts)


def _birthday(dob: dt.date, age: int) -> dt.date:
    y = dob.year + age
    try:
        return dob.replace(year=y)
    except ValueError:  # 29 Feb
        return dt.date(y, 3, 1)


def expiry_for(dob: dt.date, issue: dt.date, milestones=(25, 40, 60)):
    """Birthday at the next milestone; a card issued within two years of a
    milestone runs to the following one; issued at 58+ never expires."""
    for age in milestones:
        b = _birthday(dob, age)
        if (b - issue).days > 730:
            return b
    return None


def _rand_date(rng, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randint(0, (b - a).days))


def id12(rng, prov_code: str, dob: dt.date, male: bool) -> str:
    century = (dob.year // 100) - 19
    d4 = century * 2 + (0 if male else 1)
    return f"{prov_code}{d4}{dob.year % 100:02d}{rng.randint(0, 999999):06d}"


def make_identity(rng: random.Random, kind: str) -> dict:
    """All data for one card holder. Dates are datetime.date, expiry may be None."""
    male = rng.random() < 0.5
    fam, mid, giv = pick_name(rng, male)
    birth_prov = rng.choice(PROVINCES)
    res_prov = birth_prov if rng.random() < 0.55 else rng.choice(PROVINCES)
    if kind.startswith("cmnd"):
        dob = _rand_date(rng, dt.date(1945, 1, 1), dt.date(2000, 12, 31))
        issue = _rand_date(rng, max(_birthday(dob, 15), dt.date(1990, 1, 1)), dt.date(2020, 12, 31))
        expiry = None
    elif kind.startswith("cccd"):
        dob = _rand_date(rng, dt.date(1942, 1, 1), dt.date(2008, 6, 30))
        issue = _rand_date(rng, max(_birthday(dob, 14), dt.date(2021, 1, 15)), dt.date(2024, 6, 30))
        expiry = expiry_for(dob, issue)
    else:
        dob = _rand_date(rng, dt.date(1942, 1, 1), dt.date(2010, 6, 30))
        issue = _rand_date(rng, max(_birthday(dob, 14), dt.date(2024, 7, 1)), dt.date(2025, 12, 20))
        expiry = expiry_for(dob, issue)
    number = id12(rng, birth_prov[0], dob, male)
    old9 = ""
    if dob.year < 2005 and rng.random() < 0.65:
        old9 = f"{rng.randint(10000000, 389999999):09d}"
    style = rng.choice(["full", "short", "short"])
    origin = place(rng, birth_prov, street=False, style=style)
    residence = place(rng, res_prov, street=True, style=style)
    for _ in range(50):  # long enough to wrap onto a second line, short enough for two
        if 44 <= len(residence) <= 74:
            break
        residence = place(rng, res_prov, street=True, style=rng.choice(["full", "short"]))
    return {
        "male": male,
        "family": fam,
        "middle": mid,
        "given": giv,
        "full_name": f"{fam} {mid} {giv}",
        "dob": dob,
        "issue": issue,
        "expiry": expiry,
        "id12": number,
        "old9": old9,
        "birth_prov": birth_prov,
        "res_prov": res_prov,
        "origin": origin,
        "residence": residence,
        "style": style,
        "ethnic": rng.choice(["Kinh"] * 8 + ["Tày", "Thái", "Mường", "Khmer", "Hoa"]),
    }


def iso(d) -> str:
    return "Không thời hạn" if d is None else d.isoformat()


def dmy(d, sep="/") -> str:
    return f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year}"
