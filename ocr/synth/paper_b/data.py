"""Random but plausible Vietnamese personal data (all invented)."""

HO = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trịnh",
    "Mai",
    "Cao",
]
DEM_M = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Gia", "Thanh", "Công", "Xuân", "Trọng", "Anh"]
DEM_F = ["Thị", "Ngọc", "Thu", "Kim", "Thanh", "Minh", "Bảo", "Thị Thu", "Hồng", "Phương"]
TEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Tuấn",
    "Thắng",
    "Việt",
    "Đạt",
    "Huy",
    "Khoa",
    "Lộc",
    "Trung",
]
TEN_F = [
    "Anh",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Phương",
    "Quỳnh",
    "Tâm",
    "Thảo",
    "Trang",
    "Vy",
    "Yến",
    "Ngân",
    "Nhung",
    "Loan",
]
PROV = [
    "Hà Nội",
    "Thành phố Hồ Chí Minh",
    "Hải Phòng",
    "Đà Nẵng",
    "Cần Thơ",
    "Huế",
    "Quảng Ninh",
    "Bắc Ninh",
    "Hưng Yên",
    "Ninh Bình",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Quảng Trị",
    "Quảng Ngãi",
    "Gia Lai",
    "Đắk Lắk",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đồng Nai",
    "Tây Ninh",
    "An Giang",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "Lào Cai",
    "Thái Nguyên",
    "Phú Thọ",
    "Lạng Sơn",
    "Sơn La",
]
WARD = [
    "phường Hoàn Kiếm",
    "phường Ba Đình",
    "phường Cầu Giấy",
    "xã Tân Phú",
    "phường Bến Thành",
    "phường Hải Châu",
    "xã Phú Mỹ",
    "phường Ninh Kiều",
    "phường Thuận Hóa",
    "xã Yên Lạc",
    "phường Tân Định",
    "xã Hòa Vang",
    "phường Long Biên",
    "xã Đông Anh",
    "phường Vĩnh Yên",
    "xã Thạch Thất",
    "phường Sài Gòn",
    "xã Bình Chánh",
    "phường Hạ Long",
    "xã Quỳnh Lưu",
    "phường Phú Lợi",
    "xã Cần Giờ",
]
STREET = [
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Phan Chu Trinh",
    "Nguyễn Văn Cừ",
    "Cách Mạng Tháng Tám",
    "Hoàng Diệu",
    "Bạch Đằng",
    "Điện Biên Phủ",
    "Quang Trung",
]
DAN_TOC = ["Kinh"] * 8 + ["Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng"]
HOSP = ["Bệnh viện Phụ sản", "Bệnh viện Đa khoa", "Trung tâm Y tế", "Bệnh viện Sản Nhi", "Trạm Y tế"]
JOBS = [
    "Giáo viên",
    "Kỹ sư",
    "Kinh doanh",
    "Công nhân",
    "Nhân viên văn phòng",
    "Nông dân",
    "Lái xe",
    "Bác sĩ",
    "Kế toán",
    "Tự do",
    "Nội trợ",
]
SO = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
THANG = ["", "một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai"]


def pick(r, xs):
    return xs[int(r.integers(len(xs)))]


def name(r, sex=None):
    sex = sex or pick(r, ["Nam", "Nữ"])
    if sex == "Nam":
        return f"{pick(r, HO)} {pick(r, DEM_M)} {pick(r, TEN_M)}", sex
    return f"{pick(r, HO)} {pick(r, DEM_F)} {pick(r, TEN_F)}", sex


def address(r, short=False):
    p = pick(r, PROV)
    w = pick(r, WARD)
    k = r.integers(4)
    if k == 0:
        s = "Số %d, đường %s" % (r.integers(1, 300), pick(r, STREET))
    elif k == 1:
        s = "Số %d ngõ %d phố %s" % (r.integers(1, 80), r.integers(2, 200), pick(r, STREET))
    elif k == 2:
        s = "Thôn {}".format(
            pick(r, ["Đông", "Tây", "Nam", "Bắc", "Thượng", "Hạ", "Trung", "Phú Xuân", "An Lạc"])
        )
    else:
        s = "Tổ dân phố %d" % r.integers(1, 25)
    return (
        (s + ", " + w)
        if short
        else "{}, {}, {}".format(
            s,
            w,
            (
                "thành phố "
                if p in ("Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế")
                else ("" if p.startswith("Thành phố") else "tỉnh ")
            )
            + p,
        )
    )


def province(r):
    return pick(r, PROV)


def ward(r):
    return pick(r, WARD)


def date(r, y0, y1):
    return int(r.integers(1, 29)), int(r.integers(1, 13)), int(r.integers(y0, y1 + 1))


def dstr(d):
    return "%02d/%02d/%04d" % d


def id12(r, yob=1990, sex="Nam"):
    c = (0 if sex == "Nam" else 1) + (2 if yob >= 2000 else 0)
    return "%03d%d%02d%06d" % (
        int(pick(r, [1, 79, 31, 48, 92, 22, 24, 33, 38, 40, 46, 56, 66, 75, 89])),
        c,
        yob % 100,
        r.integers(0, 10**6),
    )


def phone(r):
    return "0" + pick(r, ["9", "8", "3", "7"]) + "".join(str(r.integers(10)) for _ in range(8))


def num_words(n):
    if n < 10:
        return SO[n]
    if n < 20:
        return "mười" + ("" if n == 10 else " " + ("lăm" if n % 10 == 5 else SO[n % 10]))
    t, u = divmod(n, 10)
    if u == 0:
        return SO[t] + " mươi"
    uu = {1: "mốt", 5: "lăm", 4: "tư"}.get(u, SO[u])
    return SO[t] + " mươi " + uu


def year_words(y):
    th, rest = divmod(y, 1000)
    h, rr = divmod(rest, 100)
    s = SO[th] + " nghìn"
    if h or rr:
        s += " " + SO[h] + " trăm"
    if rr:
        s += (" lẻ " + SO[rr]) if rr < 10 else " " + num_words(rr)
    return s


def date_words(d):
    dd, mm, yy = d
    return f"Ngày {num_words(dd)} tháng {THANG[mm]} năm {year_words(yy)}"


def money(r, lo, hi, step=500000):
    v = int(r.integers(lo // step, hi // step + 1)) * step
    return f"{v:,}".replace(",", "."), v
