"""Round origin24: the 2024 card's back as the public facts have it, and its QR varied.

Public facts (cccd.md): the 2024 back prints "Nơi cư trú" (the residence), the issue and expiry
dates, "BỘ CÔNG AN", a QR and the MRZ; the place of birth registration is printed on the FRONT.
The 2024 QR's field order is not confirmed. So for the cards of seeds from MIN_SEED on, the fixed
template's back no longer prints the place of birth registration (the flowing back never did),
and SHARE of the 2024 backs carry a QR payload drawn another way: the two addresses in either
order, an origin in the residence's district (or the same place) or a province alone, the name in
capitals, dates year first or with slashes, an empty old number, fields of other shapes
(nationality, ethnicity, religion, the expiry or "Không thời hạn", empty ones), and sometimes
every field in another order. Drawn from a stream of its own (`qr24|id`): a seed's other draws
stay as they were, and every card of an older seed is drawn exactly as before.
"""

from __future__ import annotations

import random

from . import names as N

MIN_SEED = 29700000
SHARE = 0.8
PROVINCE_WORD = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}


def applies(seed: int | None) -> bool:
    return seed is not None and seed >= MIN_SEED


class Plan:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.origin_first = rng.random() < 0.5
        self.origin = rng.choice(["as_drawn"] * 5 + ["near", "near", "same", "province"])
        self.name = rng.choice(["title", "title", "upper"])
        self.dates = rng.choice(["dmy", "dmy", "dmy", "ymd", "slash"])
        self.old_empty = rng.random() < 0.3
        self.extra = rng.sample(
            ["nationality", "ethnicity", "religion", "expiry", "empty"], rng.randint(0, 4)
        )
        self.shuffle = rng.random() < 0.15

    def widen(self, ident: dict) -> None:
        """The place of origin drawn near the residence, the same, or a province alone (before
        the card is drawn, so that the truth follows)."""
        res = ident["place_of_residence"].split(", ")
        if self.origin == "near" and len(res) == 3:
            ident["place_of_origin"] = ", ".join([self.rng.choice(N.COMMUNES)] + res[1:])
        elif self.origin == "same":
            ident["place_of_origin"] = ident["place_of_residence"]
        elif self.origin == "province":
            prov = ident["place_of_origin"].split(", ")[-1]
            ident["place_of_origin"] = f"{'Thành phố' if prov in PROVINCE_WORD else 'Tỉnh'} {prov}"
        if self.old_empty:
            ident["old_id_number"] = ""

    def payload(self, ident: dict) -> str:
        def d(iso: str) -> str:
            if not iso[:1].isdigit():
                return iso
            y, m, dd = iso[0:4], iso[5:7], iso[8:10]
            return {"dmy": dd + m + y, "ymd": y + m + dd, "slash": f"{dd}/{m}/{y}"}[self.dates]

        name = ident["full_name"].title() if self.name == "title" else ident["full_name"]
        addrs = [ident["place_of_residence"], ident["place_of_origin"]]
        if self.origin_first:
            addrs.reverse()
        fields = [ident["id_number"], ident["old_id_number"], name, d(ident["date_of_birth"]), ident["sex"]]
        fields += addrs + [d(ident["date_of_issue"])]
        more = {
            "nationality": "Việt Nam",
            "ethnicity": "Kinh",
            "religion": "Không",
            "expiry": d(ident["date_of_expiry"]),
            "empty": "",
        }
        for k in self.extra:
            fields.insert(self.rng.randint(5, len(fields)), more[k])
        if self.shuffle:
            self.rng.shuffle(fields)
        return "|".join(fields)


def plan(ident: dict, kind: str, seed: int | None) -> Plan | None:
    if kind != "cancuoc_back" or not applies(seed):
        return None
    r = random.Random(f"qr24|{ident['id_number']}")
    return Plan(r) if r.random() < SHARE else None
