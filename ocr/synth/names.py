"""Word lists for generated identities (common Vietnamese name syllables and place names)."""

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Tạ"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Xuân", "Gia", "Bảo", "Công", "Thành", "Đình",
            "Quang", "Trọng", "Anh"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Hoài", "Kim", "Thùy", "Minh", "Phương", "Mỹ", "Diệu",
            "Bích", "Hồng"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam", "Phong",
           "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Đạt", "Đông", "Lộc", "Hiệp", "Khoa",
           "Nghĩa", "Phúc", "Toàn", "Vinh"]
GIVEN_F = ["Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Ngọc", "Nhung", "Phương",
           "Quỳnh", "Tâm", "Thảo", "Trang", "Vân", "Yến", "Giang", "Huyền", "Thủy", "Oanh", "Loan",
           "Ánh", "Tuyết"]

# (district, province) pairs; province names as printed on cards
DISTRICTS = [
    ("Hoài Đức", "Hà Nội"), ("Cầu Giấy", "Hà Nội"), ("Đông Anh", "Hà Nội"), ("Sóc Sơn", "Hà Nội"),
    ("Thủy Nguyên", "Hải Phòng"), ("Kiến Thụy", "Hải Phòng"), ("Hải Châu", "Đà Nẵng"),
    ("Hòa Vang", "Đà Nẵng"), ("Bình Chánh", "Hồ Chí Minh"), ("Gò Vấp", "Hồ Chí Minh"),
    ("Củ Chi", "Hồ Chí Minh"), ("Ninh Kiều", "Cần Thơ"), ("Năm Căn", "Cà Mau"),
    ("Hậu Lộc", "Thanh Hóa"), ("Quỳnh Lưu", "Nghệ An"), ("Đức Thọ", "Hà Tĩnh"),
    ("Hải Hậu", "Nam Định"), ("Kim Sơn", "Ninh Bình"), ("Tiên Du", "Bắc Ninh"),
    ("Gia Lâm", "Hà Nội"), ("Phú Vang", "Thừa Thiên Huế"), ("Điện Bàn", "Quảng Nam"),
    ("Tuy Phước", "Bình Định"), ("Cam Lâm", "Khánh Hòa"), ("Đức Trọng", "Lâm Đồng"),
    ("Châu Thành", "Tiền Giang"), ("Mỏ Cày Nam", "Bến Tre"), ("Long Xuyên", "An Giang"),
]
COMMUNES = ["Yên Sở", "Tân Lập", "Đông Hưng", "Hòa Bình", "Phú Mỹ", "Thạnh Lộc", "Tân Phú",
            "Xuân Phương", "An Khánh", "Vĩnh Hòa", "Quang Trung", "Trung Hòa", "Hưng Đạo",
            "Nghĩa Đô", "Mỹ Đức", "Đại Đồng", "Thanh Xuân", "Bình An", "Long Hải", "Tiên Phong"]
STREETS = ["Lê Lợi", "Trần Phú", "Nguyễn Trãi", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
           "Phan Đình Phùng", "Hùng Vương", "Lê Duẩn", "Nguyễn Huệ", "Bạch Đằng", "Hoàng Diệu"]
