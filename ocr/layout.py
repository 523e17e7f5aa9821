"""Card geometry shared by the reader and the synthetic generator.

Every card is handled in a normalised frame of CARD_W x CARD_H pixels (ID-1 format,
85.6 x 53.98 mm). Boxes are (x0, y0, x1, y1) in that frame: where the value of each field is
printed. The reader crops these boxes (with padding) from the perspective-corrected card.
"""

from __future__ import annotations

CARD_W, CARD_H = 1000, 631

# value boxes per document type
FIELDS: dict[str, dict[str, tuple[int, int, int, int]]] = {
    "cccd_front": {
        "id_number": (372, 168, 800, 218),
        "full_name": (262, 252, 996, 296),
        "date_of_birth": (528, 298, 800, 336),
        "sex": (418, 338, 540, 376),
        "nationality": (800, 338, 996, 376),
        "place_of_origin": (262, 410, 996, 450),
        "place_of_residence": (262, 486, 996, 526),
        "date_of_expiry": (22, 538, 246, 574),
    },
    "cccd_back": {
        "date_of_issue": (350, 120, 580, 158),
    },
    "cancuoc_front": {
        "id_number": (262, 200, 700, 250),
        "full_name": (262, 284, 996, 328),
        "date_of_birth": (620, 334, 860, 372),
        "sex": (430, 378, 540, 416),
        "nationality": (800, 378, 996, 416),
    },
    "cancuoc_back": {
        "place_of_residence": (212, 66, 996, 106),
        "place_of_origin": (212, 146, 996, 186),
        "date_of_issue": (610, 196, 860, 234),
        "date_of_expiry": (610, 238, 860, 276),
    },
    "cmnd_front": {
        "id_number": (470, 142, 820, 196),
        "full_name": (360, 214, 996, 256),
        "date_of_birth": (420, 274, 700, 314),
        "place_of_origin": (440, 334, 996, 374),
        "place_of_residence": (560, 414, 996, 454),
    },
}

# title line (used to tell the card kinds apart when no QR/MRZ is read)
TITLE_BOX = (240, 78, 820, 132)
CMND_TITLE_BOX = (330, 78, 996, 130)
# where the QR code sits (front of the 2021 card: top right; back of the 2024 card: top left)
QR_BOX = {"cccd_front": (812, 18, 982, 188), "cancuoc_back": (22, 18, 192, 188)}
MRZ_BOX = (20, 420, 980, 615)

DIGIT_FIELDS = {"id_number", "date_of_birth", "date_of_issue", "date_of_expiry"}
