"""Addresses written any way resolved to the 2025 communes, the agencies file, and the command
line `python -m bot agencies resolve|import|list` (the contract's JSON)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from places.agencies import AgenciesError, Directory, load_directory
from places.normalise import normalise
from places.resolver import SURE, Resolver

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "places" / "example_agencies.yml"
KEYS = ["province_code", "province", "ward_code", "ward", "confidence", "candidates"]


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(converter=False)


@pytest.mark.parametrize(
    "typed,expect",
    [
        ("P16 Q4 tphcm", "Phường 16, Quận 4, Thành phố Hồ Chí Minh"),
        ("p.16 q.4 sai gon", "Phường 16, Quận 4, Thành phố Hồ Chí Minh"),
        ("TT Trau Quy, H. Gia Lam, HN", "Thị trấn Trau Quy, Huyện Gia Lam, Thành phố Hà Nội"),
        ("Phường Phú Thủy, TX. La Gi, Bình Thuận", "Phường Phú Thủy, Thị xã La Gi, Bình Thuận"),
        ("Phường Sài Gòn, TP HCM", "Phường Sài Gòn, Thành phố Hồ Chí Minh"),  # the new commune stays
        ("thi xa tinh bien an giang", "thi xa tinh bien an giang"),  # "tinh" begins a name here
        ("Phuowngf Beens Thanhf, Quaanj 1", "Phuong Ben Thanh, Quận 1"),  # telex, the Vietnamese mode off
        (
            "12 Lê Lợi - P. Bến Thành - Q.1 - Sài Gòn",
            "12 Lê Lợi, Phường Bến Thành, Quận 1, Thành phố Hồ Chí Minh",
        ),
        ("Phường Thắng Tam, Bà Rịa - Vũng Tàu", "Phường Thắng Tam, Tỉnh Bà Rịa - Vũng Tàu"),
        ("f Bến Thành q1, Việt Nam", "Phường Bến Thành, Quận 1"),
        ("kiệt 22, Ph. Vĩnh Ninh, TT Huế", "kiệt 22, Phường Vĩnh Ninh, Thành phố Huế"),
        ("p hoi nghia tx tan uyen bd", "Phường hoi nghia, Thị xã tan uyen, Tỉnh Bình Dương"),
        ("P. Máy Chai, Q. Ngô Quyền, HP", "Phường Máy Chai, Quận Ngô Quyền, Thành phố Hải Phòng"),
        ("Xã Chiềng Khoi, Sơn La", "Xã Chiềng Khoi, Sơn La"),  # "La" is a name's own syllable
        # a kind's word inside a name: no comma before it
        ("xa gia phuong huyen gia vien", "xa gia phuong, huyen gia vien"),
    ],
)
def test_normalisation_of_abbreviations_and_nicknames(typed, expect):
    assert normalise(typed) == expect


@pytest.mark.parametrize(
    "typed,ward_code,ward",
    [
        ("Phường 16, Quận 4, TP.HCM", "27259", "Phường Xóm Chiếu"),  # old district-era name
        ("p16 q4 sai gon", "27259", "Phường Xóm Chiếu"),
        ("Phường Xóm Chiếu, TP. Hồ Chí Minh", "27259", "Phường Xóm Chiếu"),  # the 2025 name
        ("12 Nguyễn Huệ, P. Bến Nghé, Q.1, TP HCM", "26740", "Phường Sài Gòn"),  # merged commune
        ("P.Bến Thành Q1", "26743", "Phường Bến Thành"),  # no province
        ("phuong hang trong quan hoan kiem ha noi", "00070", "Phường Hoàn Kiếm"),  # divided, no diacritics
        ("Xã Phú Thịh, Huyện Đại Từ, Tỉnh Thái Nguyên", None, None),  # a typo: found by the fuzzy match
        # a typo, no province ("thahn" holds "hn": not Hà Nội), a numbered district: TP.HCM's
        ("phuong ben thahn quan 1", "26743", "Phường Bến Thành"),
        ("Phuowngf 16, Quaanj 4, TP HCM", "27259", "Phường Xóm Chiếu"),  # telex leftovers
        ("f Ben Thanh q1 sg", "26743", "Phường Bến Thành"),  # teencode
        # provinces merged in 2025, written the old way (and misspelt)
        ("Phường Lái Thiêu, TP Thuận An, BD", "25966", "Phường Lái Thiêu"),
        ("Phường Thủ Dầu Một, Bình Dương", "25747", "Phường Thủ Dầu Một"),  # the 2025 name, the old province
        ("so 5 Tran Hung Dao, x Hoa Tan Tay, Phu Yen", "22255", "Xã Tây Hòa"),  # no district
        ("xa Cam Son, huyen Luc Ngan, tinh Bac Gaing", "07531", "Xã Tân Sơn"),
    ],
)
def test_addresses_resolve_to_their_2025_commune(resolver, typed, ward_code, ward):
    found = resolver.resolve(typed)
    assert found.found, typed
    if ward_code:
        assert (found.ward_code, found.ward) == (ward_code, ward)
    assert found.confidence >= SURE or found.method == "fuzzy" or len(found.candidates) > 1


def test_a_divided_commune_gives_every_part_as_a_candidate(resolver):
    found = resolver.resolve("xa Co Bi huyen Gia Lam ha noi")
    assert found.confidence < SURE and len(found.candidates) >= 2
    assert found.ward_code == found.candidates[0].code
    assert {c.province for c in found.candidates} == {"Thành phố Hà Nội"}


def test_nothing_found_and_province_only(resolver):
    assert resolver.resolve("").to_json() == dict.fromkeys(KEYS[:4]) | {"confidence": 0.0, "candidates": []}
    only = resolver.resolve("gần chợ, Đà Lạt, Lâm Đồng")
    assert only.ward_code is None and only.province_code == "68" and only.confidence < SURE
    hinted = Resolver(province_hint="79", converter=False).resolve("Phường 16, Quận 4")
    assert hinted.ward_code == "27259"


def test_the_development_set_stays_resolved(resolver):
    """The development set (tests/data/addresses_dev.yml): a floor under today's 98.7 %."""
    entries = yaml.safe_load((ROOT / "tests" / "data" / "addresses_dev.yml").read_text(encoding="utf-8"))
    assert len(entries) >= 150
    right = sum(
        resolver.resolve(e["text"]).ward_code in {str(e["ward_code"]), *map(str, e.get("also", []))}
        for e in entries
    )
    assert right / len(entries) >= 0.96, right


def test_the_agencies_file_is_checked_and_names_resolved(tmp_path):
    directory = Directory.load(EXAMPLE)
    assert [a.code for a in directory.agencies] == ["XOMCHIEU", "BENTHANH"]
    assert directory.serving("27259", "khai_sinh").code == "XOMCHIEU"
    assert directory.serving("26740", "khai_sinh").code == "BENTHANH"  # "Phường Sài Gòn" by name
    assert directory.serving("00070", "khai_sinh") is None
    assert directory.office_elsewhere("27265").phone == "028 0000 0003"
    assert directory.may_file_anywhere("can_cuoc") and not directory.may_file_anywhere("khai_sinh")
    again = tmp_path / "again.yml"
    again.write_text(directory.dump(), encoding="utf-8")
    assert Directory.load(again).dump() == directory.dump()  # codes in, codes out
    bad = tmp_path / "bad.yml"
    for text, word in (
        ("agencies: [{code: x, name: A}]", "code"),
        ("agencies: [{code: AB, name: A, communes: ['Phường Không Có Thật, Sao Hỏa']}]", "not found"),
        ("agencies: [{code: AB, name: A, colour: red}]", "colour"),
        ("agencies: []", "agencies"),
    ):
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(AgenciesError, match=word) as e:
            Directory.load(bad)
        assert str(bad) in str(e.value)


def test_without_a_file_the_settings_office_serves_everyone(tmp_path):
    single = load_directory(tmp_path / "none.yml", "DEMO", "UBND phường Mẫu (demo)")
    assert not single.routed and single.serving("27259", "khai_sinh").code == "DEMO"


def _bot(*args: str, var: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VAR_DIR": str(var)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "agencies", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_command_line_resolve_import_list(tmp_path):
    out = _bot("resolve", "--json", "P.16, Q.4, Sài Gòn", var=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert list(data) == KEYS
    assert data["ward_code"] == "27259" and data["ward"] == "Phường Xóm Chiếu"
    assert data["province_code"] == "79" and data["province"] == "Thành phố Hồ Chí Minh"
    assert data["candidates"] == [
        {"ward_code": "27259", "ward": "Phường Xóm Chiếu", "province": "Thành phố Hồ Chí Minh"}
    ]
    assert _bot("import", str(EXAMPLE), var=tmp_path).returncode == 0
    assert (tmp_path / "agencies.yml").is_file()
    listed = _bot("list", var=tmp_path).stdout
    assert "XOMCHIEU\tUBND phường Xóm Chiếu\tPhường Xóm Chiếu (27259)" in listed and "BENTHANH" in listed
    bad = tmp_path / "bad.yml"
    bad.write_text("agencies: []", encoding="utf-8")
    failed = _bot("import", str(bad), var=tmp_path)
    assert failed.returncode == 2 and "bad.yml" in failed.stderr


def test_an_officer_belongs_to_an_agency_of_the_deployment(tmp_path):
    assert _bot("import", str(EXAMPLE), var=tmp_path).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VAR_DIR": str(tmp_path)}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path}/t.db"
    run = [sys.executable, "-m", "bot"]
    assert subprocess.run([*run, "db", "upgrade"], env=env, capture_output=True, timeout=120).returncode == 0
    add = [*run, "officer", "add", "--role", "officer", "--username"]
    wrong = subprocess.run(
        [*add, "an", "--agency", "DEMO"],
        input="mat-khau-rat-dai-123\n",
        text=True,
        env=env,
        capture_output=True,
    )
    assert wrong.returncode == 2 and "XOMCHIEU, BENTHANH" in wrong.stderr
    right = subprocess.run(
        [*add, "an", "--agency", "XOMCHIEU"],
        input="mat-khau-rat-dai-123\n",
        text=True,
        env=env,
        capture_output=True,
    )
    assert right.returncode == 0, right.stderr
