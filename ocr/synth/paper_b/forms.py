"""Layouts of the paper documents, written from public descriptions of the official forms
(see README).  Each builder returns a laid-out Doc (pages of ops)."""

from . import data as D
from .layout import BLACK, HAND_FONTS, PT, Doc

INKS = [(25, 45, 150), (20, 35, 120), (35, 60, 170), (30, 30, 35), (15, 15, 20)]
FAMILIES = ["times", "times", "times", "dejaserif", "notoserif", "arial", "roboto"]


def new_doc(r, size=(210, 297), fill=None, family=None, margins=None):
    fill = fill or ("hand" if r.random() < 0.6 else "typed")
    fam = family or D.pick(r, FAMILIES)
    m = margins or (float(r.uniform(20, 30)), float(r.uniform(12, 20)), float(r.uniform(14, 20)), 15)
    return Doc(
        r, size=size, margins=m, family=fam, hand_font=D.pick(r, HAND_FONTS), ink=D.pick(r, INKS), fill=fill
    )


def place_date(r, d=None):
    d = d or D.date(r, 2025, 2026)
    return "%s, ngày %02d tháng %02d năm %d" % (D.province(r), d[0], d[1], d[2])


def form_ref(doc, txt, size=9.5):
    doc.y += size * PT * 1.2
    doc.text(doc.x1, doc.y, txt, size, "I", align="r")
    doc.y += 1


# ---------------------------------------------------------------------------
def to_khai_khai_sinh(r):
    d = new_doc(r)
    child, csex = D.name(r)
    mom, _ = D.name(r, "Nữ")
    dad, _ = D.name(r, "Nam")
    req = D.pick(r, [mom, dad])
    bd = D.date(r, 2025, 2026)
    form_ref(
        d,
        D.pick(
            r, ["Mẫu ban hành kèm theo Thông tư số 04/2024/TT-BTP", "Mẫu số 01 - Thông tư 04/2020/TT-BTP", ""]
        ),
    )
    d.national_header()
    d.center("TỜ KHAI ĐĂNG KÝ KHAI SINH", 14.5)
    d.gap(3)
    d.field("Kính gửi: ", "Ủy ban nhân dân " + D.ward(r))
    d.field("Họ, chữ đệm, tên người yêu cầu: ", req)
    d.field("Nơi cư trú: ", D.address(r))
    d.field("Giấy tờ tùy thân: ", "CCCD số " + D.id12(r, 1992, "Nữ"))
    d.field("Quan hệ với người được khai sinh: ", D.pick(r, ["Mẹ", "Cha"]))
    d.gap(1)
    d.para("Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", 12, "B", indent=0)
    d.field("Họ, chữ đệm, tên: ", child.upper())
    d.field("Ngày, tháng, năm sinh: ", D.dstr(bd) + "   ghi bằng chữ: " + D.date_words(bd).lower())
    d.fields(
        [
            ("Giới tính: ", csex, 0.3),
            ("Dân tộc: ", D.pick(r, D.DAN_TOC), 0.35),
            ("Quốc tịch: ", "Việt Nam", 0.35),
        ]
    )
    d.field("Nơi sinh: ", D.pick(r, D.HOSP) + " " + D.province(r))
    d.field("Quê quán: ", D.ward(r) + ", " + D.province(r))
    for who, nm, yob in (
        ("mẹ", mom, 1988 + int(r.integers(0, 10))),
        ("cha", dad, 1985 + int(r.integers(0, 10))),
    ):
        d.field(f"Họ, chữ đệm, tên người {who}: ", nm)
        d.fields(
            [("Năm sinh: ", str(yob), 0.3), ("Dân tộc: ", "Kinh", 0.35), ("Quốc tịch: ", "Việt Nam", 0.35)]
        )
        d.field("Nơi cư trú: ", D.address(r))
    d.gap(2)
    d.para(
        "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận "
        "nhất trí của các bên liên quan theo quy định pháp luật. Tôi chịu trách nhiệm trước pháp luật về "
        "cam đoan của mình.",
        12,
    )
    d.fields(
        [
            ("Đề nghị cấp bản sao(*): Có ", "", 0.45),
            ("Số lượng: ", str(int(r.integers(1, 4))), 0.3),
            ("bản", "", 0.25),
        ],
        dotted=False,
    )
    d.sign_blocks([("Người yêu cầu", "(Ký, ghi rõ họ, chữ đệm, tên)")], place_date=place_date(r), names=[req])
    return d


def to_khai_khai_tu(r):
    d = new_doc(r)
    dead, sx = D.name(r)
    req, _ = D.name(r)
    dd = D.date(r, 2025, 2026)
    form_ref(
        d,
        D.pick(r, ["Mẫu ban hành kèm theo Thông tư số 04/2024/TT-BTP", "Mẫu số 03 - TT 04/2020/TT-BTP", ""]),
    )
    d.national_header()
    d.center("TỜ KHAI ĐĂNG KÝ KHAI TỬ", 14.5)
    d.gap(3)
    d.field("Kính gửi: ", "Ủy ban nhân dân " + D.ward(r) + ", " + D.province(r))
    d.field("Họ, chữ đệm, tên người yêu cầu: ", req)
    d.field("Nơi cư trú: ", D.address(r))
    d.field("Giấy tờ tùy thân: ", "CCCD số " + D.id12(r, 1975))
    d.field("Quan hệ với người đã chết: ", D.pick(r, ["Con", "Vợ", "Chồng", "Cháu"]))
    d.para("Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:", 12, "B", indent=0)
    d.field("Họ, chữ đệm, tên: ", dead.upper())
    bd = D.date(r, 1930, 1965)
    d.fields([("Ngày, tháng, năm sinh: ", D.dstr(bd), 0.55), ("Giới tính: ", sx, 0.45)])
    d.fields([("Dân tộc: ", "Kinh", 0.45), ("Quốc tịch: ", "Việt Nam", 0.55)])
    d.field("Giấy tờ tùy thân: ", "CCCD số " + D.id12(r, bd[2], sx))
    d.field("Nơi cư trú cuối cùng: ", D.address(r))
    d.field(
        "Đã chết vào lúc: ",
        "%d giờ %02d phút, ngày %02d/%02d/%d" % (r.integers(0, 24), r.integers(0, 60), *dd),
    )
    d.field("Nơi chết: ", D.pick(r, ["Tại nhà, ", "Bệnh viện Đa khoa "]) + D.address(r, True))
    d.field(
        "Nguyên nhân chết: ",
        D.pick(r, ["Bệnh già", "Bệnh lý tim mạch", "Tai biến mạch máu não", "Ung thư phổi"]),
    )
    d.field("Số Giấy báo tử/giấy tờ thay thế Giấy báo tử: ", "%d/GBT" % r.integers(10, 999))
    d.field("do ", D.pick(r, D.HOSP) + " " + D.province(r) + "   cấp ngày " + D.dstr(dd))
    d.gap(2)
    d.para(
        "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về cam đoan của mình.",
        12,
    )
    d.sign_blocks([("Người yêu cầu", "(Ký, ghi rõ họ, chữ đệm, tên)")], place_date=place_date(r), names=[req])
    return d


def to_khai_ket_hon(r):
    d = new_doc(r)
    f, _ = D.name(r, "Nữ")
    m, _ = D.name(r, "Nam")
    form_ref(
        d,
        D.pick(r, ["Mẫu ban hành kèm theo Thông tư số 04/2024/TT-BTP", "Mẫu số 02 - TT 04/2020/TT-BTP", ""]),
    )
    d.national_header()
    d.center("TỜ KHAI ĐĂNG KÝ KẾT HÔN", 14.5)
    d.gap(2)
    d.field("Kính gửi: ", "Ủy ban nhân dân " + D.ward(r) + ", " + D.province(r))
    fy, my = 1990 + int(r.integers(0, 10)), 1988 + int(r.integers(0, 10))
    rows = [
        ["Họ, chữ đệm, tên", f, m],
        ["Ngày, tháng, năm sinh", D.dstr(D.date(r, fy, fy)), D.dstr(D.date(r, my, my))],
        ["Dân tộc", "Kinh", D.pick(r, D.DAN_TOC)],
        ["Quốc tịch", "Việt Nam", "Việt Nam"],
        ["Nơi cư trú", D.address(r, True), D.address(r, True)],
        ["Giấy tờ tùy thân", "CCCD " + D.id12(r, fy, "Nữ"), "CCCD " + D.id12(r, my, "Nam")],
        ["Kết hôn lần thứ mấy", "Thứ nhất", D.pick(r, ["Thứ nhất", "Thứ hai"])],
    ]
    d.table(["Thông tin", "Bên nữ", "Bên nam"], rows, [3, 4, 4], size=11, row_h=12)
    d.para(
        "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi là tự nguyện, "
        "không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam.",
        12,
    )
    d.para("Chúng tôi chịu trách nhiệm trước pháp luật về cam đoan của mình.", 12)
    d.fields(
        [
            ("Đề nghị cấp bản sao(*): Có ", "", 0.45),
            ("Số lượng: ", "0" + str(int(r.integers(1, 4))), 0.3),
            ("bản", "", 0.25),
        ],
        dotted=False,
    )
    d.sign_blocks(
        [("Bên nữ", "(Ký, ghi rõ họ, chữ đệm, tên)"), ("Bên nam", "(Ký, ghi rõ họ, chữ đệm, tên)")],
        place_date=place_date(r),
        names=[f, m],
    )
    return d


def to_khai_cu_tru(r, members=None):
    d = new_doc(r, margins=(20, 14, 15, 12))
    nm, sx = D.name(r)
    yob = 1970 + int(r.integers(0, 35))
    form_ref(
        d,
        "Mẫu CT01 ban hành kèm theo Thông tư số {}".format(
            D.pick(
                r,
                [
                    "66/2023/TT-BCA ngày 17/11/2023 của Bộ trưởng Bộ Công an",
                    "56/2021/TT-BCA ngày 15/5/2021 của Bộ trưởng Bộ Công an",
                ],
            )
        ),
        9,
    )
    d.national_header(size=12)
    d.center("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", 14)
    d.gap(2)
    sz = 11.5
    d.field("Kính gửi(1): ", "Công an " + D.ward(r) + ", " + D.province(r), sz)
    d.field("1. Họ, chữ đệm và tên: ", nm.upper(), sz)
    d.fields(
        [("2. Ngày, tháng, năm sinh: ", D.dstr(D.date(r, yob, yob)), 0.62), ("3. Giới tính: ", sx, 0.38)], sz
    )
    d.field("4. Số định danh cá nhân: ", D.id12(r, yob, sx), sz)
    d.fields(
        [
            ("5. Số điện thoại liên hệ: ", D.phone(r), 0.55),
            ("6. Email: ", D.pick(r, ["", "", "hoten%d@gmail.com" % r.integers(10, 99)]), 0.45),
        ],
        sz,
    )
    head, _ = D.name(r)
    d.fields(
        [
            ("7. Họ, chữ đệm và tên chủ hộ: ", head, 0.62),
            ("8. Mối quan hệ với chủ hộ: ", D.pick(r, ["Con", "Vợ", "Chồng", "Chủ hộ", "Cháu"]), 0.38),
        ],
        sz,
    )
    d.field("9. Số định danh cá nhân của chủ hộ: ", D.id12(r, 1965), sz)
    d.field(
        "10. Nội dung đề nghị(2): ",
        D.pick(r, ["Đăng ký thường trú", "Đăng ký tạm trú", "Gia hạn tạm trú", "Tách hộ"])
        + " tại "
        + D.address(r, True),
        sz,
    )
    d.blank_lines(1, sz)
    d.field("11. Những thành viên trong hộ gia đình cùng thay đổi: ", "", sz, dotted=False)
    n = members if members is not None else int(r.integers(0, 4))
    rows = []
    for i in range(max(n, 2)):
        if i < n:
            mn, ms = D.name(r)
            y = 1950 + int(r.integers(0, 70))
            rows.append(
                [
                    str(i + 1),
                    mn,
                    D.dstr(D.date(r, y, y)),
                    ms,
                    D.id12(r, y, ms),
                    D.pick(r, ["Con", "Vợ", "Mẹ", "Cháu"]),
                ]
            )
        else:
            rows.append(["", "", "", "", "", ""])
    d.table(
        [
            "TT",
            "Họ, chữ đệm và tên",
            "Ngày, tháng, năm sinh",
            "Giới tính",
            "Số định danh cá nhân",
            "Mối quan hệ với chủ hộ",
        ],
        rows,
        [0.7, 3.6, 2.3, 1.4, 3.0, 2.2],
        size=9.5,
        row_h=8,
    )
    d.sign_blocks(
        [
            ("Ý KIẾN CỦA CHỦ HỘ(3)", "(Ghi rõ nội dung, ký, ghi rõ họ tên)"),
            ("Ý KIẾN CỦA CHỦ SỞ HỮU HOẶC NGƯỜI ĐƯỢC ỦY QUYỀN(3)", "(Ghi rõ nội dung, ký, ghi rõ họ tên)"),
            ("Ý KIẾN CỦA CHA, MẸ HOẶC NGƯỜI GIÁM HỘ(4)", "(Ghi rõ nội dung, ký, ghi rõ họ tên)"),
            ("NGƯỜI KÊ KHAI", "(Ký, ghi rõ họ tên)"),
        ],
        size=10,
        place_date="......, ngày %02d tháng %02d năm %d" % D.date(r, 2025, 2026),
        names=[head, "", "", nm],
        sign=[True, r.random() < 0.5, False, True],
    )
    d.ensure(20)
    d.gap(2)
    for t in [
        "(1) Cơ quan đăng ký cư trú.",
        "(2) Ghi rõ ràng, cụ thể nội dung đề nghị. Ví dụ: đăng ký thường trú; đăng ký tạm trú; tách hộ; xác nhận thông tin về cư trú...",
        "(3) Áp dụng đối với các trường hợp quy định tại khoản 2, khoản 3, khoản 5, khoản 6 Điều 20; khoản 1 Điều 25 Luật Cư trú.",
        "(4) Áp dụng đối với trường hợp người chưa thành niên, người hạn chế hành vi dân sự, người không đủ năng lực hành vi dân sự.",
    ]:
        d.para(t, 8.5, "I", indent=0, lh=1.3)
    return d


def giay_chung_sinh(r):
    # Printed by the birth facility; smaller sheet.  (Size is our assumption, see README.)
    a5 = r.random() < 0.4
    d = new_doc(r, size=(148, 210) if a5 else (210, 297), margins=(12, 10, 10, 8) if a5 else (22, 15, 16, 15))
    mom, _ = D.name(r, "Nữ")
    yob = 1988 + int(r.integers(0, 12))
    bd = D.date(r, 2025, 2026)
    hosp = D.pick(r, D.HOSP) + " " + D.province(r)
    sz = 10 if a5 else 12
    form_ref(
        d,
        D.pick(
            r,
            ["Mẫu số 01 - Phụ lục I, Thông tư số 22/2025/TT-BYT", "Kèm theo Thông tư số 56/2017/TT-BYT", ""],
        ),
        7.5 if a5 else 9,
    )
    d.national_header(["Cơ sở KB, CB", hosp.upper()], size=8.5 if a5 else 11.5)
    d.text(d.x0, d.y, "Số: %d/GCS" % r.integers(100, 9999), sz - 1)
    d.text(d.x0 + (45 if a5 else 65), d.y, "Quyển số: %02d" % r.integers(1, 40), sz - 1)
    d.gap(2)
    d.center("GIẤY CHỨNG SINH", 15 if a5 else 17)
    d.gap(2)
    d.field("Họ và tên mẹ/Người nuôi dưỡng: ", mom, sz)
    d.fields([("Năm sinh: ", str(yob), 0.45), ("Dân tộc: ", D.pick(r, D.DAN_TOC), 0.55)], sz)
    d.field("Nơi đăng ký thường trú: ", D.address(r, True), sz)
    d.field("Số CCCD/Số định danh: ", D.id12(r, yob, "Nữ"), sz)
    d.field("Mã số BHXH/Thẻ BHYT số: ", "GD4%02d%010d" % (r.integers(1, 96), r.integers(0, 10**10)), sz)
    d.field("Họ và tên cha: ", D.name(r, "Nam")[0] if r.random() < 0.9 else "", sz)
    d.field(
        "Đã sinh con vào lúc: ",
        "%d giờ %02d phút, ngày %02d tháng %02d năm %d" % (r.integers(0, 24), r.integers(0, 60), *bd),
        sz,
    )
    d.field("Tại: ", hosp, sz)
    d.fields(
        [("Số lần sinh: ", str(int(r.integers(1, 4))), 0.5), ("Số con trong lần sinh này: ", "01", 0.5)], sz
    )
    sx = D.pick(r, ["Nam", "Nữ"])
    d.fields(
        [("Giới tính của con: ", sx, 0.5), ("Cân nặng: ", "%d gram" % (r.integers(26, 40) * 100), 0.5)], sz
    )
    d.field("Hiện trạng sức khỏe của con: ", D.pick(r, ["Bình thường", "Khỏe mạnh"]), sz)
    d.field("Dự định đặt tên con là: ", D.name(r, sx)[0], sz)
    d.field("Người đỡ đẻ: ", D.pick(r, ["BS. ", "NHS. ", "YS. "]) + D.name(r)[0], sz)
    d.sign_blocks(
        [
            ("Người ghi phiếu", "(Ký, ghi rõ họ tên)"),
            ("Thủ trưởng cơ sở y tế", "(Ký, ghi rõ họ tên, đóng dấu)"),
        ],
        size=sz,
        place_date="Ngày %02d tháng %02d năm %d" % bd,
        names=[D.name(r)[0], "BS. " + D.name(r)[0]],
        stamp=[None, hosp.upper()],
    )
    return d


def giay_bao_tu(r):
    d = new_doc(r, fill=D.pick(r, ["hand", "typed"]))
    dead, sx = D.name(r)
    dd = D.date(r, 2025, 2026)
    issuer = D.pick(r, D.HOSP) + " " + D.province(r)
    form_ref(d, D.pick(r, ["Mẫu Giấy báo tử ban hành kèm theo Thông tư số 24/2020/TT-BYT", ""]), 9)
    d.national_header(["SỞ Y TẾ " + D.province(r).upper(), issuer.upper()[:36]], size=11.5)
    d.text(d.x0 + 10, d.y, "Số: %d/GBT" % r.integers(10, 9999), 11)
    d.gap(3)
    d.center("GIẤY BÁO TỬ", 16)
    d.gap(4)
    yob = 1930 + int(r.integers(0, 50))
    d.field("Họ, chữ đệm, tên người tử vong: ", dead.upper())
    d.fields([("Ngày, tháng, năm sinh: ", D.dstr(D.date(r, yob, yob)), 0.6), ("Giới tính: ", sx, 0.4)])
    d.fields([("Dân tộc: ", D.pick(r, D.DAN_TOC), 0.45), ("Quốc tịch: ", "Việt Nam", 0.55)])
    d.field("Số định danh cá nhân/CCCD: ", D.id12(r, yob, sx))
    d.field("Nơi cư trú: ", D.address(r))
    d.field(
        "Đã tử vong vào lúc: ",
        "%d giờ %02d phút, ngày %02d tháng %02d năm %d" % (r.integers(0, 24), r.integers(0, 60), *dd),
    )
    d.field("Nơi tử vong: ", issuer)
    d.field(
        "Nguyên nhân tử vong: ",
        D.pick(r, ["Suy tim", "Suy hô hấp", "Xuất huyết não", "Ung thư giai đoạn cuối", "Nhồi máu cơ tim"]),
    )
    rel, _ = D.name(r)
    d.field("Họ tên người thân (nếu có): ", rel)
    d.field("Số CCCD người thân: ", D.id12(r, 1970))
    d.gap(3)
    d.sign_blocks(
        [("Người ghi phiếu", "(Ký, ghi rõ họ tên)"), ("Thủ trưởng đơn vị", "(Ký, ghi rõ họ tên, đóng dấu)")],
        place_date="%s, ngày %02d tháng %02d năm %d" % (D.province(r), *dd),
        names=[D.name(r)[0], "BS. " + D.name(r)[0]],
        stamp=[None, issuer.upper()],
    )
    return d


def giay_uy_quyen(r):
    d = new_doc(r)
    a, asx = D.name(r)
    b, bsx = D.name(r)
    d.national_header()
    d.center("GIẤY ỦY QUYỀN", 16)
    d.center(D.pick(r, ["(Dành cho cá nhân)", "(V/v: thực hiện thủ tục hành chính)", ""]), 12, "I")
    d.gap(2)
    d.para("- Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24/11/2015;", 12, "I", indent=4)
    d.para("- Căn cứ vào nhu cầu của các bên.", 12, "I", indent=4)
    d.field("Hôm nay, ngày ", "%02d/%02d/%d, tại %s" % (*D.date(r, 2025, 2026), "UBND " + D.ward(r)))
    d.para("I. BÊN ỦY QUYỀN (Bên A):", 12, "B", indent=0)
    yob = 1950 + int(r.integers(0, 40))
    d.field("Họ và tên: ", a)
    d.fields([("Ngày sinh: ", D.dstr(D.date(r, yob, yob)), 0.5), ("Giới tính: ", asx, 0.5)])
    d.field("Số CCCD: ", D.id12(r, yob, asx) + "  cấp ngày " + D.dstr(D.date(r, 2021, 2024)))
    d.field("Nơi cư trú: ", D.address(r))
    d.para("II. BÊN ĐƯỢC ỦY QUYỀN (Bên B):", 12, "B", indent=0)
    yob2 = 1960 + int(r.integers(0, 40))
    d.field("Họ và tên: ", b)
    d.fields([("Ngày sinh: ", D.dstr(D.date(r, yob2, yob2)), 0.5), ("Giới tính: ", bsx, 0.5)])
    d.field("Số CCCD: ", D.id12(r, yob2, bsx) + "  cấp ngày " + D.dstr(D.date(r, 2021, 2024)))
    d.field("Nơi cư trú: ", D.address(r))
    d.field("Quan hệ với bên ủy quyền: ", D.pick(r, ["Con", "Em ruột", "Ông nội", "Bà ngoại", "Anh ruột"]))
    d.para("III. NỘI DUNG ỦY QUYỀN:", 12, "B", indent=0)
    what = D.pick(
        r,
        [
            "đăng ký khai sinh cho con",
            "đăng ký khai tử",
            "nộp hồ sơ đăng ký thường trú",
            "nhận bản sao trích lục hộ tịch",
            "nộp hồ sơ đăng ký hộ kinh doanh",
        ],
    )
    d.para(
        f"Bên B được thay mặt Bên A {what} tại Ủy ban nhân dân {D.ward(r)}; ký các giấy tờ, nộp lệ phí và nhận kết quả "
        "theo quy định của pháp luật.",
        12,
    )
    d.para(
        "IV. THỜI HẠN ỦY QUYỀN: Kể từ ngày ký đến khi hoàn thành công việc được ủy quyền.", 12, "B", indent=0
    )
    d.para("V. CAM KẾT CỦA CÁC BÊN:", 12, "B", indent=0)
    for t in [
        "Bên A chịu trách nhiệm trước pháp luật về mọi công việc do Bên B thực hiện trong phạm vi ủy quyền.",
        "Bên B cam kết thực hiện đúng nội dung ủy quyền, không ủy quyền lại cho người khác.",
        "Giấy ủy quyền được lập thành 02 bản, mỗi bên giữ 01 bản, có giá trị pháp lý như nhau.",
        "Mọi tranh chấp phát sinh được giải quyết bằng thương lượng; nếu không thành sẽ đưa ra cơ quan có thẩm quyền giải quyết.",
    ]:
        d.para("- " + t, 12, indent=4)
    d.sign_blocks(
        [("BÊN ỦY QUYỀN", "(Ký, ghi rõ họ tên)"), ("BÊN ĐƯỢC ỦY QUYỀN", "(Ký, ghi rõ họ tên)")], names=[a, b]
    )
    if r.random() < 0.5:
        d.ensure(40)
        d.center("XÁC NHẬN CỦA CƠ QUAN CÓ THẨM QUYỀN", 12)
        d.blank_lines(2)
        d.sign_blocks([("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")], stamp=["UBND " + D.ward(r).upper()])
    return d


def hop_dong_thue_nha(r):
    d = new_doc(r, fill=D.pick(r, ["typed", "typed", "hand"]))
    a, asx = D.name(r)
    b, bsx = D.name(r)
    d.national_header()
    d.center("HỢP ĐỒNG THUÊ NHÀ Ở", 16)
    d.center("Số: %02d/%d/HĐTN" % (r.integers(1, 99), r.integers(2025, 2027)), 12, "")
    d.gap(2)
    for t in [
        "- Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;",
        "- Căn cứ Luật Nhà ở số 27/2023/QH15 ngày 27 tháng 11 năm 2023;",
        "- Căn cứ nhu cầu và khả năng của các bên.",
    ]:
        d.para(t, 12, "I", indent=4)
    dd = D.date(r, 2025, 2026)
    d.para("Hôm nay, ngày %02d tháng %02d năm %d, tại %s, chúng tôi gồm:" % (*dd, D.address(r)), 12)
    for title, nm, sx in (("BÊN CHO THUÊ (Bên A):", a, asx), ("BÊN THUÊ (Bên B):", b, bsx)):
        d.para(title, 12, "B", indent=0)
        yob = 1955 + int(r.integers(0, 45))
        d.fields([("Ông/Bà: ", nm, 0.6), ("Sinh năm: ", str(yob), 0.4)])
        d.field("Số CCCD: ", D.id12(r, yob, sx) + "   cấp ngày: " + D.dstr(D.date(r, 2021, 2024)))
        d.field("Nơi cư trú: ", D.address(r))
        d.field("Điện thoại: ", D.phone(r))
    d.para("Hai bên thỏa thuận ký kết hợp đồng thuê nhà ở với các điều khoản sau:", 12)
    rent, v = D.money(r, 2000000, 15000000)
    art = [
        (
            "Điều 1. Nhà ở cho thuê",
            "Bên A đồng ý cho Bên B thuê nhà ở tại địa chỉ %s; diện tích sử dụng %d m2, "
            "gồm %d phòng ngủ, %d phòng vệ sinh, để ở."
            % (D.address(r), r.integers(20, 120), r.integers(1, 4), r.integers(1, 3)),
        ),
        (
            "Điều 2. Giá thuê và phương thức thanh toán",
            "Giá thuê là %s đồng/tháng (bằng chữ: ....). Giá trên chưa bao "
            "gồm tiền điện, nước, internet. Bên B thanh toán vào ngày %d hằng tháng bằng tiền mặt hoặc chuyển khoản. "
            "Bên B đặt cọc %s đồng." % (rent, r.integers(1, 10), D.money(r, 2000000, 20000000)[0]),
        ),
        (
            "Điều 3. Thời hạn thuê",
            "Thời hạn thuê là %d tháng, kể từ ngày %02d/%02d/%d. Hết thời hạn, nếu Bên B có nhu "
            "cầu tiếp tục thuê thì hai bên thỏa thuận gia hạn." % (r.integers(6, 37), *D.date(r, 2025, 2026)),
        ),
        (
            "Điều 4. Quyền và nghĩa vụ của Bên A",
            "Giao nhà và trang thiết bị cho Bên B đúng thời hạn; bảo đảm quyền sử dụng "
            "ổn định của Bên B; sửa chữa những hư hỏng lớn không do lỗi của Bên B; phối hợp với Bên B thực hiện đăng ký cư trú "
            "theo quy định của Luật Cư trú.",
        ),
        (
            "Điều 5. Quyền và nghĩa vụ của Bên B",
            "Sử dụng nhà đúng mục đích; trả tiền thuê đúng hạn; giữ gìn nhà ở, không tự ý "
            "sửa chữa, cải tạo; chấp hành quy định về phòng cháy chữa cháy, vệ sinh môi trường và an ninh trật tự; không cho "
            "thuê lại khi chưa có sự đồng ý của Bên A.",
        ),
        (
            "Điều 6. Chấm dứt hợp đồng",
            "Hợp đồng chấm dứt khi hết thời hạn thuê hoặc theo thỏa thuận của hai bên. Bên nào "
            "đơn phương chấm dứt hợp đồng phải báo trước ít nhất 30 ngày.",
        ),
        (
            "Điều 7. Giải quyết tranh chấp",
            "Tranh chấp phát sinh được giải quyết trên tinh thần thương lượng; nếu không "
            "thương lượng được thì một trong hai bên có quyền yêu cầu Tòa án có thẩm quyền giải quyết.",
        ),
        (
            "Điều 8. Điều khoản thi hành",
            "Hợp đồng có hiệu lực kể từ ngày ký, được lập thành 02 bản có giá trị pháp lý như "
            "nhau, mỗi bên giữ 01 bản.",
        ),
    ]
    for t, body in art:
        d.para(t, 12, "B", indent=0)
        d.para(body, 12)
    d.sign_blocks(
        [("BÊN CHO THUÊ (BÊN A)", "(Ký, ghi rõ họ tên)"), ("BÊN THUÊ (BÊN B)", "(Ký, ghi rõ họ tên)")],
        names=[a, b],
    )
    return d


def _border(d, col, double=True):
    d.rect(6, 6, d.W - 12, d.H - 12, 1.2, col)
    if double:
        d.rect(9, 9, d.W - 18, d.H - 18, 0.4, col)


def _emblem(d, cx, cy, r=8):
    d.circle(cx, cy, r, 0.8, (200, 40, 40))
    d.circle(cx, cy, r * 0.72, 0.5, (205, 160, 40))
    d.text(cx, cy + r * 0.35, "★", r * 2.3, color=(215, 170, 30), align="c", family="dejasans")


def giay_khai_sinh(r):
    d = new_doc(r, fill=D.pick(r, ["typed", "typed", "hand"]), margins=(22, 16, 20, 15))
    _border(d, D.pick(r, [(190, 70, 90), (60, 120, 80), (50, 90, 160)]))
    child, sx = D.name(r)
    mom, _ = D.name(r, "Nữ")
    dad, _ = D.name(r, "Nam")
    bd = D.date(r, 2024, 2026)
    _emblem(d, d.W / 2, d.y + 10)
    d.gap(20)
    d.national_header(["ỦY BAN NHÂN DÂN", D.ward(r).upper()] if r.random() < 0.5 else None, centered=True)
    d.center("GIẤY KHAI SINH", 18, color=(170, 30, 40) if r.random() < 0.5 else BLACK)
    d.center("(BẢN CHÍNH)" if r.random() < 0.6 else "(BẢN SAO)", 11, "B")
    d.fields(
        [
            ("Số: ", "%d" % r.integers(1, 400), 0.5),
            ("Quyển số: ", "%02d/%d" % (r.integers(1, 10), bd[2]), 0.5),
        ],
        11.5,
        dotted=False,
    )
    d.gap(2)
    d.field("Họ, chữ đệm, tên: ", child.upper())
    d.field("Ngày, tháng, năm sinh: ", D.dstr(bd))
    d.field("ghi bằng chữ: ", D.date_words(bd))
    d.fields(
        [
            ("Giới tính: ", sx, 0.3),
            ("Dân tộc: ", D.pick(r, D.DAN_TOC), 0.35),
            ("Quốc tịch: ", "Việt Nam", 0.35),
        ]
    )
    d.field("Nơi sinh: ", D.pick(r, D.HOSP) + " " + D.province(r))
    d.field("Quê quán: ", D.ward(r) + ", " + D.province(r))
    d.field("Số định danh cá nhân: ", D.id12(r, bd[2], sx))
    d.gap(1)
    for who, nm, y in (("mẹ", mom, 1990), ("cha", dad, 1988)):
        d.field(f"Họ, chữ đệm, tên người {who}: ", nm.upper())
        d.fields(
            [
                ("Năm sinh: ", str(y + int(r.integers(0, 8))), 0.3),
                ("Dân tộc: ", "Kinh", 0.35),
                ("Quốc tịch: ", "Việt Nam", 0.35),
            ]
        )
        d.field("Nơi cư trú: ", D.address(r))
    req, _ = D.name(r)
    d.field("Họ, chữ đệm, tên người đi khai sinh: ", req)
    d.field("Nơi đăng ký khai sinh: ", "Ủy ban nhân dân " + D.ward(r) + ", " + D.province(r))
    d.field("Ngày, tháng, năm đăng ký: ", D.dstr(D.date(r, bd[2], bd[2])))
    d.sign_blocks(
        [
            ("NGƯỜI THỰC HIỆN", "(Ký, ghi rõ họ, chữ đệm, tên)"),
            ("NGƯỜI KÝ GIẤY KHAI SINH", "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)"),
        ],
        size=11,
        names=[D.name(r)[0], D.name(r)[0]],
        stamp=[None, "UBND " + D.ward(r).upper()],
    )
    return d


def giay_chung_nhan_ket_hon(r):
    d = new_doc(r, size=(297, 210), fill="typed", margins=(20, 14, 20, 12))
    _border(d, D.pick(r, [(190, 40, 50), (180, 60, 90), (150, 110, 40)]))
    f, _ = D.name(r, "Nữ")
    m, _ = D.name(r, "Nam")
    _emblem(d, d.W / 2, d.y + 9, 7.5)
    d.gap(17)
    d.national_header(size=12.5, centered=True)
    d.center("GIẤY CHỨNG NHẬN KẾT HÔN", 20, color=(175, 30, 40))
    d.gap(4)
    d.fields(
        [
            ("Số: ", str(int(r.integers(1, 300))), 0.5),
            ("Quyển số: ", "%02d/%d" % (r.integers(1, 5), r.integers(2024, 2027)), 0.5),
        ],
        11.5,
        dotted=False,
    )
    top = d.y
    half = (d.x1 - d.x0) / 2
    for k, (lbl, nm, sx, y) in enumerate((("chồng", m, "Nam", 1990), ("vợ", f, "Nữ", 1993))):
        d.y = top
        d.ml = 20 + k * (half + 6)
        d.mr = 297 - (20 + (k + 1) * half) + (6 if k == 0 else 0)
        yy = y + int(r.integers(0, 8))
        d.field(f"Họ, chữ đệm, tên {lbl}: ", nm.upper(), 12)
        d.field("Ngày, tháng, năm sinh: ", D.dstr(D.date(r, yy, yy)), 12)
        d.fields([("Dân tộc: ", "Kinh", 0.45), ("Quốc tịch: ", "Việt Nam", 0.55)], 12)
        d.field("Nơi cư trú: ", D.address(r, True), 12)
        d.field("Giấy tờ tùy thân: ", "CCCD số " + D.id12(r, yy, sx), 12)
    d.ml, d.mr = 20, 20
    d.field("Nơi đăng ký kết hôn: ", "Ủy ban nhân dân " + D.ward(r) + ", " + D.province(r), 12)
    d.field("Ngày, tháng, năm đăng ký: ", D.dstr(D.date(r, 2025, 2026)), 12)
    d.gap(5)
    d.sign_blocks(
        [
            ("Chồng", "(Ký, ghi rõ họ, chữ đệm, tên)"),
            ("Vợ", "(Ký, ghi rõ họ, chữ đệm, tên)"),
            ("NGƯỜI KÝ GIẤY CHỨNG NHẬN KẾT HÔN", "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)"),
        ],
        size=10.5,
        names=[m, f, D.name(r)[0]],
        stamp=[None, None, "UBND " + D.ward(r).upper()],
    )
    return d


def giay_de_nghi_ho_kinh_doanh(r):
    d = new_doc(r, fill=D.pick(r, ["typed", "hand"]))
    nm, sx = D.name(r)
    yob = 1965 + int(r.integers(0, 40))
    form_ref(
        d,
        D.pick(
            r,
            [
                "Phụ lục III-1 (Ban hành kèm theo Thông tư số 02/2023/TT-BKHĐT)",
                "Phụ lục III-1",
                "Mẫu giấy đề nghị đăng ký hộ kinh doanh",
            ],
        ),
        9.5,
    )
    d.national_header()
    d.center("GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH", 14.5)
    d.gap(2)
    d.field("Kính gửi: ", D.pick(r, ["Phòng Kinh tế ", "Phòng Tài chính - Kế hoạch ", "UBND "]) + D.ward(r))
    d.field("Tôi là (ghi họ tên bằng chữ in hoa): ", nm.upper())
    d.fields(
        [
            ("Ngày, tháng, năm sinh: ", D.dstr(D.date(r, yob, yob)), 0.5),
            ("Giới tính: ", sx, 0.25),
            ("Dân tộc: ", "Kinh", 0.25),
        ]
    )
    d.field("Quốc tịch: ", "Việt Nam")
    d.field("Số định danh cá nhân: ", D.id12(r, yob, sx))
    d.field("Địa chỉ thường trú: ", D.address(r))
    d.field("Địa chỉ liên lạc: ", D.address(r))
    d.fields([("Điện thoại: ", D.phone(r), 0.5), ("Email: ", "", 0.5)])
    d.para("Đăng ký hộ kinh doanh do tôi là chủ hộ với các nội dung sau:", 12, "B", indent=0)
    biz = D.pick(
        r,
        [
            "Tạp hóa",
            "Quán cà phê",
            "Cơm bình dân",
            "Sửa xe máy",
            "Tiệm may",
            "Bánh mì",
            "Điện thoại di động",
            "Salon tóc",
        ],
    )
    d.field(
        "1. Tên hộ kinh doanh (ghi bằng chữ in hoa): ",
        ("HỘ KINH DOANH " + biz + " " + nm.split()[-1]).upper(),
    )
    d.field("2. Địa chỉ trụ sở hộ kinh doanh: ", D.address(r))
    d.fields([("Điện thoại (nếu có): ", D.phone(r), 0.5), ("Fax (nếu có): ", "", 0.5)])
    d.fields([("Email (nếu có): ", "", 0.5), ("Website (nếu có): ", "", 0.5)])
    d.field("3. Ngành, nghề kinh doanh: ", "", dotted=False)
    d.table(
        ["STT", "Tên ngành", "Mã ngành (nếu có)"],
        [["1", "Bán lẻ " + biz.lower(), "%04d" % r.integers(4700, 5700)], ["2", "", ""]],
        [1, 6, 3],
        size=10.5,
        row_h=8,
    )
    cap, _ = D.money(r, 20000000, 500000000, 10000000)
    d.field("4. Vốn kinh doanh: ", cap + " đồng")
    d.field("5. Số lượng lao động (nếu có): ", str(int(r.integers(1, 8))))
    d.field("6. Thông tin đăng ký thuế: ", "", dotted=False)
    d.table(
        ["STT", "Chỉ tiêu", "Nội dung"],
        [
            ["6.1", "Địa chỉ nhận thông báo thuế", D.address(r, True)],
            ["6.2", "Ngày bắt đầu hoạt động", D.dstr(D.date(r, 2025, 2026))],
            ["6.3", "Tổng số lao động", str(int(r.integers(1, 8)))],
            ["6.4", "Phương pháp tính thuế", D.pick(r, ["Khoán", "Kê khai"])],
        ],
        [1, 5, 5],
        size=10.5,
        row_h=8,
    )
    d.para(
        "7. Chủ thể thành lập hộ kinh doanh: " + D.pick(r, ["Cá nhân", "Các thành viên hộ gia đình"]),
        12,
        indent=0,
    )
    d.para(
        "Tôi cam kết: Bản thân không thuộc diện pháp luật cấm kinh doanh; không đồng thời là chủ hộ kinh doanh khác; "
        "không là chủ doanh nghiệp tư nhân, thành viên hợp danh của công ty hợp danh; trụ sở hộ kinh doanh thuộc "
        "quyền sử dụng hợp pháp của hộ kinh doanh; chịu trách nhiệm trước pháp luật về tính hợp pháp, chính xác "
        "và trung thực của nội dung đăng ký trên.",
        12,
    )
    d.sign_blocks([("CHỦ HỘ KINH DOANH", "(Ký và ghi họ tên)")], place_date=place_date(r), names=[nm])
    return d


# ---------------------------------------------------------------------------
# "other" papers: letters, receipts, notices, one-stop receipts, other certificates.
def other_don(r):
    d = new_doc(r)
    nm, sx = D.name(r)
    d.national_header()
    kind = D.pick(
        r, ["ĐƠN XIN NGHỈ PHÉP", "ĐƠN XIN XÁC NHẬN", "ĐƠN ĐỀ NGHỊ", "ĐƠN XIN VIỆC", "ĐƠN KHIẾU NẠI"]
    )
    d.center(kind, 15)
    d.gap(3)
    d.field(
        "Kính gửi: ",
        D.pick(r, ["Ban Giám đốc Công ty TNHH ", "Hiệu trưởng Trường THCS ", "Ban quản lý chung cư "])
        + D.pick(r, D.STREET),
    )
    d.field("Tôi tên là: ", nm)
    d.field("Sinh ngày: ", D.dstr(D.date(r, 1970, 2003)))
    d.field("Chỗ ở hiện nay: ", D.address(r))
    d.field("Số điện thoại: ", D.phone(r))
    d.para(
        "Nay tôi làm đơn này kính đề nghị quý cơ quan xem xét, giải quyết cho tôi được %s từ ngày %02d/%02d/%d. "
        "Lý do: %s."
        % (
            D.pick(r, ["nghỉ phép", "xác nhận quá trình công tác", "chuyển lớp cho con", "sửa chữa căn hộ"]),
            *D.date(r, 2025, 2026),
            D.pick(r, ["việc gia đình", "chuyển nơi ở", "lý do sức khỏe"]),
        ),
        12,
    )
    d.blank_lines(
        3,
        12,
        [
            "Tôi xin cam đoan những điều trình bày trên là đúng sự thật.",
            "Kính mong quý cơ quan xem xét, giải quyết.",
        ],
    )
    d.para("Tôi xin chân thành cảm ơn!", 12)
    d.sign_blocks([("Người làm đơn", "(Ký, ghi rõ họ tên)")], place_date=place_date(r), names=[nm])
    return d


def other_receipt(r):
    d = new_doc(r, size=(148, 210), margins=(10, 10, 10, 8), fill="hand")
    d.text(
        d.x0, d.y + 4, "Đơn vị: " + D.pick(r, ["Cửa hàng ", "Công ty TNHH "]) + D.pick(r, D.STREET), 9, "B"
    )
    d.text(d.x1, d.y + 4, "Mẫu số 01-TT", 9, "B", align="r")
    d.text(d.x0, d.y + 8.5, "Địa chỉ: " + D.address(r, True), 8.5)
    d.gap(12)
    d.center("PHIẾU THU", 16)
    d.center("Ngày %02d tháng %02d năm %d" % D.date(r, 2025, 2026), 10, "I")
    d.text(d.x1, d.y + 3, "Số: PT%04d" % r.integers(1, 9999), 9.5, align="r")
    d.gap(5)
    amt, v = D.money(r, 100000, 20000000, 50000)
    d.field("Họ và tên người nộp tiền: ", D.name(r)[0], 10.5)
    d.field("Địa chỉ: ", D.address(r, True), 10.5)
    d.field(
        "Lý do nộp: ",
        D.pick(
            r, ["Tiền thuê nhà tháng %d" % r.integers(1, 13), "Thanh toán tiền hàng", "Học phí", "Đặt cọc"]
        ),
        10.5,
    )
    d.field("Số tiền: ", amt + " đ", 10.5)
    d.field(
        "(Viết bằng chữ): ",
        D.pick(r, ["Năm trăm nghìn đồng chẵn", "Hai triệu đồng", "Một triệu năm trăm nghìn đồng"]),
        10.5,
    )
    d.field("Kèm theo: ", "01 chứng từ gốc", 10.5)
    d.sign_blocks(
        [("Giám đốc", ""), ("Kế toán", ""), ("Người nộp", ""), ("Thủ quỹ", "")],
        size=9.5,
        names=["", "", D.name(r)[0].split()[-1], ""],
        sign=[r.random() < 0.5, True, True, True],
    )
    return d


def other_notice(r):
    d = new_doc(r, fill="typed")
    d.national_header(
        [
            D.pick(
                r,
                [
                    "UBND " + D.ward(r).upper(),
                    "BAN QUẢN LÝ TỔ DÂN PHỐ %d" % r.integers(1, 20),
                    "CÔNG TY CỔ PHẦN ĐIỆN LỰC",
                ],
            )
        ],
        right_date=place_date(r),
    )
    d.center("THÔNG BÁO", 16)
    d.center(
        D.pick(
            r,
            [
                "Về việc tạm ngừng cung cấp điện",
                "Về lịch tiêm chủng mở rộng tháng %d" % r.integers(1, 13),
                "Về việc thu phí vệ sinh môi trường năm %d" % r.integers(2025, 2027),
                "Về việc tổ chức họp tổ dân phố",
            ],
        ),
        12.5,
        "B",
    )
    d.gap(3)
    for _ in range(int(r.integers(3, 6))):
        d.para(
            D.pick(
                r,
                [
                    "Nhằm bảo đảm an toàn và thực hiện kế hoạch đã được phê duyệt, đơn vị xin thông báo tới toàn thể nhân dân trên địa bàn được biết và chủ động sắp xếp công việc.",
                    "Thời gian: từ 07 giờ 30 đến 16 giờ 30 cùng ngày. Địa điểm: nhà văn hóa khu dân cư.",
                    "Đề nghị các hộ gia đình cử đại diện tham dự đầy đủ, đúng giờ. Mọi thắc mắc xin liên hệ số điện thoại "
                    + D.phone(r)
                    + ".",
                    "Mức thu áp dụng theo quyết định của Ủy ban nhân dân tỉnh; các hộ kinh doanh nộp theo mức riêng.",
                    "Rất mong nhận được sự phối hợp của bà con. Xin trân trọng cảm ơn!",
                ],
            ),
            12.5,
        )
    d.sign_blocks([("TM. BAN QUẢN LÝ", "TRƯỞNG BAN")], names=[D.name(r)[0]], stamp=[None])
    return d


def other_hen_tra(r):
    d = new_doc(r, fill="typed")
    form_ref(d, "Mẫu số 01", 10)
    d.national_header(["UBND " + D.ward(r).upper(), "BỘ PHẬN MỘT CỬA"], right_date=place_date(r))
    d.center("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", 13.5)
    d.center(
        "Mã hồ sơ: H%02d.%d-%02d%02d%02d-%04d"
        % (
            r.integers(10, 99),
            r.integers(10, 99),
            r.integers(25, 27),
            r.integers(1, 13),
            r.integers(1, 29),
            r.integers(1, 9999),
        ),
        11,
        "",
    )
    d.gap(3)
    d.field("Bộ phận tiếp nhận và trả kết quả: ", "UBND " + D.ward(r))
    d.field("Tiếp nhận hồ sơ của: ", D.name(r)[0])
    d.field("Địa chỉ: ", D.address(r))
    d.field("Số điện thoại: ", D.phone(r))
    d.field(
        "Nội dung yêu cầu giải quyết: ",
        D.pick(r, ["Đăng ký khai sinh", "Đăng ký kết hôn", "Chứng thực bản sao", "Đăng ký khai tử"]),
    )
    d.para("1. Thành phần hồ sơ nộp gồm:", 12, "B", indent=0)
    d.table(
        ["TT", "Tên giấy tờ", "Hình thức", "Số lượng"],
        [
            ["1", "Tờ khai theo mẫu", "Bản chính", "01"],
            ["2", "Giấy tờ kèm theo", "Bản sao", "01"],
            ["3", "", "", ""],
        ],
        [1, 7, 3, 2],
        10.5,
        row_h=8,
        hand_rows=False,
    )
    d.field("2. Số lượng hồ sơ: ", "01 bộ")
    d.field("3. Thời gian giải quyết: ", "%02d ngày làm việc" % r.integers(1, 8))
    d.field(
        "4. Thời gian nhận hồ sơ: ",
        "%d giờ %02d phút, ngày %s" % (r.integers(7, 17), r.integers(0, 60), D.dstr(D.date(r, 2025, 2026))),
    )
    d.field(
        "5. Thời gian trả kết quả: ",
        "%d giờ %02d phút, ngày %s" % (r.integers(7, 17), r.integers(0, 60), D.dstr(D.date(r, 2025, 2026))),
    )
    d.sign_blocks(
        [("NGƯỜI NỘP HỒ SƠ", "(Ký, ghi rõ họ tên)"), ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký, ghi rõ họ tên)")],
        names=[D.name(r)[0], D.name(r)[0]],
    )
    return d


def other_xac_nhan_hon_nhan(r):
    d = new_doc(r, fill="typed")
    nm, sx = D.name(r)
    d.national_header(["ỦY BAN NHÂN DÂN", D.ward(r).upper()])
    d.center("GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", 14.5)
    d.gap(3)
    d.para(f"ỦY BAN NHÂN DÂN {D.ward(r).upper()} xác nhận:", 12, indent=0)
    yob = 1985 + int(r.integers(0, 15))
    d.field("Họ, chữ đệm, tên: ", nm.upper())
    d.fields([("Ngày, tháng, năm sinh: ", D.dstr(D.date(r, yob, yob)), 0.6), ("Giới tính: ", sx, 0.4)])
    d.field("Giấy tờ tùy thân: ", "CCCD số " + D.id12(r, yob, sx))
    d.field("Nơi cư trú: ", D.address(r))
    d.field(
        "Tình trạng hôn nhân: ",
        D.pick(r, ["Hiện tại chưa đăng ký kết hôn với ai", "Đã ly hôn, hiện chưa đăng ký kết hôn với ai"]),
    )
    d.field(
        "Giấy này được cấp để: ",
        D.pick(r, ["làm thủ tục đăng ký kết hôn", "bổ sung hồ sơ vay vốn", "mua bán nhà đất"]),
    )
    d.field("Giấy này có giá trị sử dụng đến ngày: ", D.dstr(D.date(r, 2026, 2026)))
    d.sign_blocks(
        [("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")],
        place_date=place_date(r),
        names=[D.name(r)[0]],
        stamp=["UBND " + D.ward(r).upper()],
    )
    return d


def other_letter(r):
    d = new_doc(r, fill="hand", family="times")
    nm, _ = D.name(r)
    d.gap(6)
    d.text(
        d.x1,
        d.y,
        "%s, ngày %02d/%02d/%d" % (D.province(r), *D.date(r, 2025, 2026)),
        13,
        hand=True,
        color=d.ink,
        align="r",
    )
    d.gap(10)
    d.para(
        D.pick(r, ["Mẹ thân yêu!", "Gửi anh chị,", "Em Lan thương!"]), 14, hand=True, color=d.ink, indent=0
    )
    txt = (
        "Hôm nay con viết thư này để báo tin cả nhà vẫn khỏe. Công việc ở thành phố dạo này bận rộn, "
        "nhưng con vẫn cố gắng giữ sức khỏe. Tháng sau con sẽ xin nghỉ vài ngày để về quê thăm bố mẹ. "
        "Trời bắt đầu lạnh rồi, mẹ nhớ mặc ấm và đi khám định kỳ nhé. Cháu Bin đã biết đọc, ngày nào cũng đòi "
        "gọi điện cho ông bà. Con gửi kèm ít tiền để mẹ sửa lại mái bếp trước mùa mưa."
    )
    d.para(txt, 14, hand=True, color=d.ink, indent=10, lh=1.9)
    d.para("Con của mẹ,", 14, hand=True, color=d.ink, indent=90)
    d.para(nm, 14, hand=True, color=d.ink, indent=90)
    return d


FORMS = {
    "giay_chung_sinh": giay_chung_sinh,
    "giay_bao_tu": giay_bao_tu,
    "giay_uy_quyen": giay_uy_quyen,
    "to_khai_khai_sinh": to_khai_khai_sinh,
    "to_khai_khai_tu": to_khai_khai_tu,
    "to_khai_ket_hon": to_khai_ket_hon,
    "to_khai_cu_tru": to_khai_cu_tru,
    "hop_dong_thue_nha": hop_dong_thue_nha,
    "giay_khai_sinh": giay_khai_sinh,
    "giay_chung_nhan_ket_hon": giay_chung_nhan_ket_hon,
    "giay_de_nghi_ho_kinh_doanh": giay_de_nghi_ho_kinh_doanh,
}
OTHERS = [other_don, other_receipt, other_notice, other_hen_tra, other_xac_nhan_hon_nhan, other_letter]
