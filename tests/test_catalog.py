"""The catalog as data: every file loads, examples pass their own validators, life events reach
every procedure, and a malformed file is rejected with a message naming the file and field."""

from __future__ import annotations

import pytest
import yaml

from flows.catalog import CATALOG_DIR, CatalogError, load_catalog, load_file, load_life_events
from flows.validators import validate

CONTRACT_KEYS = {
    "khai_sinh",
    "lien_thong_khai_sinh",
    "thuong_tru",
    "tam_tru",
    "ket_hon",
    "khai_tu",
    "lien_thong_khai_tu",
    "trich_luc_ho_tich",
    "chung_thuc_ban_sao",
    "ho_kinh_doanh",
    "can_cuoc",
    "xac_nhan_attp",
}
KNOWN_FACTS = {
    "code",
    "authority",
    "where",
    "hours",
    "processing_days",
    "processing_note",
    "fee",
    "documents",
    "fields",
    "legal_basis",
    "in_person",
    "online_only",
    "cutoff_hour",
    "source_url",
    "questions",
}


def test_all_twelve_procedures_load():
    assert set(load_catalog()) == CONTRACT_KEYS


@pytest.mark.parametrize("key", sorted(CONTRACT_KEYS))
def test_a_procedure_is_complete_and_its_examples_are_valid(key):
    proc = load_catalog()[key]
    assert proc.source_url.startswith("https://")
    assert proc.documents and all(d.ask for d in proc.documents)
    assert set(proc.unconfirmed) <= KNOWN_FACTS, proc.unconfirmed
    for f in proc.fields:
        value, problem = validate(f.validator, "1" if f.validator == "choice" else f.example, list(f.options))
        assert problem is None, f"{key}.{f.key}: example {f.example!r} fails {f.validator}: {problem}"
    for d in proc.documents:
        if d.photo == "id_card":
            assert d.read_fields, f"{key}.{d.key}: an ID card should say which fields to confirm"


def test_life_events_reach_every_procedure_and_fit_a_short_menu():
    events = load_life_events()
    assert len(events) <= 8
    reached = {e.procedure for e in events} | {e.single for e in events if e.single}
    assert reached == CONTRACT_KEYS
    assert all(len(e.button) <= 20 for e in events)


def _broken(tmp_path, mutate) -> str:
    data = yaml.safe_load((CATALOG_DIR / "khai_sinh.yml").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "khai_sinh.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_file(path)
    return str(err.value)


def test_malformed_files_are_rejected_naming_file_and_field(tmp_path):
    assert _broken(tmp_path, lambda d: d.pop("fee")) == "khai_sinh.yml: missing field 'fee'"
    msg = _broken(tmp_path, lambda d: d["documents"][1].update(photo="selfie"))
    assert msg.startswith("khai_sinh.yml: documents[1]: field 'photo' must be one of")
    msg = _broken(tmp_path, lambda d: d["fields"][0].update(validator="magic"))
    assert msg.startswith("khai_sinh.yml: fields[0]: unknown validator 'magic'")
    msg = _broken(tmp_path, lambda d: d.update(processing_days="một ngày"))
    assert msg == "khai_sinh.yml: field 'processing_days' must be int, got str"
    msg = _broken(tmp_path, lambda d: d["documents"][0].update(condition="nobody_asked"))
    assert "documents[0]: field 'condition' names unknown question 'nobody_asked'" in msg
    msg = _broken(tmp_path, lambda d: d["documents"][1].update(read_fields=["shoe_size"]))
    assert "documents[1]: field 'read_fields' has unknown names ['shoe_size']" in msg
    msg = _broken(tmp_path, lambda d: d.update(key="khai_tu"))
    assert msg == "khai_sinh.yml: field 'key' is 'khai_tu', expected 'khai_sinh'"
    bad = tmp_path / "x.yml"
    bad.write_text("key: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"^x\.yml: not valid YAML"):
        load_file(bad)


def test_a_misspelt_key_is_rejected_not_ignored(tmp_path):
    msg = _broken(tmp_path, lambda d: d["documents"][0].update(requried=False))
    assert msg == "khai_sinh.yml: documents[0]: unknown field 'requried' (a misspelt key?)"
    msg = _broken(tmp_path, lambda d: d.update(fees="miễn phí"))
    assert msg == "khai_sinh.yml: unknown field 'fees' (a misspelt key?)"
    msg = _broken(tmp_path, lambda d: d["fields"][1].update(optoins=["Nam", "Nữ"]))
    assert msg == "khai_sinh.yml: fields[1]: unknown field 'optoins' (a misspelt key?)"
