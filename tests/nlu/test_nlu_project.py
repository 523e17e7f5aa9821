"""The Rasa project in nlu/ is one `rasa train nlu` accepts: checked against Rasa's own schemas
(transcribed into nlu/schemas/) plus the checks `rasa data validate` makes, without Rasa."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from nlu.data import load_nlu_data
from nlu.schema import load_schema, validate, validate_project
from nlu.text import normalize

NLU_DIR = Path(__file__).resolve().parents[2] / "nlu"
TRAIN = NLU_DIR / "data" / "nlu.yml"
DEV = NLU_DIR / "tests" / "dev.yml"
HELDOUT = NLU_DIR / "tests" / "heldout.yml"

CONTRACT_INTENTS = {
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "ask_requirements",
    "start_procedure",
    "ask_fee",
    "ask_processing_time",
    "ask_location_hours",
    "check_status",
    "lack_document",
    "cancel",
    "request_human",
    "help",
    "complain",
    "out_of_scope",
}
CONTRACT_ENTITIES = {"procedure", "dossier_code", "id_number", "phone", "date"}
PROCEDURES = {
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
# Components of Rasa Open Source 3.6 (rasa/engine/recipes/default_components.py)
RASA_COMPONENTS = {
    "WhitespaceTokenizer",
    "JiebaTokenizer",
    "MitieTokenizer",
    "SpacyTokenizer",
    "RegexFeaturizer",
    "LexicalSyntacticFeaturizer",
    "CountVectorsFeaturizer",
    "ConveRTFeaturizer",
    "LanguageModelFeaturizer",
    "MitieFeaturizer",
    "SpacyFeaturizer",
    "DIETClassifier",
    "FallbackClassifier",
    "KeywordIntentClassifier",
    "MitieIntentClassifier",
    "SklearnIntentClassifier",
    "LogisticRegressionClassifier",
    "CRFEntityExtractor",
    "DucklingEntityExtractor",
    "EntitySynonymMapper",
    "MitieEntityExtractor",
    "SpacyEntityExtractor",
    "RegexEntityExtractor",
    "ResponseSelector",
    "MitieNLP",
    "SpacyNLP",
}


def test_project_files_match_rasa_schemas() -> None:
    assert validate_project(NLU_DIR) == []


def test_schema_validator_rejects_broken_files() -> None:
    nlu_schema = load_schema("nlu")
    assert validate({"version": "3.1", "nlu": [{"intent": "greet", "examples": "- hi\n"}]}, nlu_schema) == []
    assert validate({"nlu": [{"intent": "greet", "exampels": "- hi\n"}]}, nlu_schema)
    assert validate({"nlu": [{"intent": "greet", "examples": 3}]}, nlu_schema)
    assert validate({"nlu": "greet"}, nlu_schema)
    cfg = load_schema("config")
    assert validate({"pipeline": [{"epochs": 3}]}, cfg)  # a component without a name
    dom = load_schema("domain")
    assert validate({"session_config": {"session_expiration_time": -1}}, dom)
    assert validate({"intents": [3]}, dom)


def test_domain_is_the_contract() -> None:
    domain = yaml.safe_load((NLU_DIR / "domain.yml").read_text(encoding="utf-8"))
    assert set(domain["intents"]) == CONTRACT_INTENTS
    assert set(domain["entities"]) == CONTRACT_ENTITIES
    assert str(domain["version"]) == "3.1"


def test_pipeline_components_exist_in_rasa() -> None:
    cfg = yaml.safe_load((NLU_DIR / "config.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in cfg["pipeline"]]
    assert set(names) <= RASA_COMPONENTS
    assert names[0].endswith("Tokenizer")
    assert "DIETClassifier" in names and "EntitySynonymMapper" in names


@pytest.mark.parametrize("path", [TRAIN, HELDOUT])
def test_annotations_are_well_formed(path: Path) -> None:
    """Every [text](...) / [text]{...} annotation parses, names a domain entity and, for
    `procedure`, a catalog value; block strings are lists of "- " lines as Rasa wants."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for block in doc["nlu"]:
        if "intent" not in block:
            continue
        for raw in block["examples"].splitlines():
            assert raw.startswith("- "), raw
            for m in re.finditer(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", raw):
                meta = m.group(2)
                if meta.startswith("{"):
                    meta = json.loads(meta)
                    assert set(meta) <= {"entity", "value", "role", "group"}
                    entity, value = meta["entity"], meta.get("value", m.group(1))
                else:
                    entity, _, value = meta[1:-1].partition(":")
                assert entity in CONTRACT_ENTITIES, raw
                if entity == "procedure":
                    assert value in PROCEDURES, raw
            stripped = re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", raw)
            assert "[" not in stripped and "]" not in stripped, raw


def test_synonyms_name_catalog_values() -> None:
    data = load_nlu_data(TRAIN)
    assert set(data.synonyms.values()) == PROCEDURES  # every procedure has synonyms


def test_training_data_size_and_intents() -> None:
    data = load_nlu_data(TRAIN)
    counts = Counter(e.intent for e in data.examples)
    assert set(counts) == CONTRACT_INTENTS
    assert min(counts.values()) >= 40, counts
    annotated = Counter(ent["value"] for e in data.examples for ent in e.entities)
    assert set(annotated) == PROCEDURES  # each procedure is annotated in examples


def test_no_example_in_two_intents() -> None:
    """`rasa data validate` fails on an example listed under two intents."""
    data = load_nlu_data(TRAIN)
    seen: dict[str, str] = {}
    for e in data.examples:
        assert seen.setdefault(e.text, e.intent) == e.intent, e.text
    dups = [t for t, c in Counter(e.text for e in data.examples).items() if c > 1]
    assert dups == []


def test_dev_set_is_not_in_training() -> None:
    """The development set shares no example with training, not even after normalisation
    (case, diacritics, teencode)."""
    train = {normalize(e.text) for e in load_nlu_data(TRAIN).examples}
    dev = load_nlu_data(DEV).examples
    assert len(dev) >= 17 * 10
    assert [e.text for e in dev if normalize(e.text) in train] == []
    assert {e.intent for e in dev} == CONTRACT_INTENTS


def test_heldout_set_covers_every_intent() -> None:
    """The independent held-out set: 20 examples per intent. It was written without seeing
    the training data and is kept as written, so short replies ("ok", "xin chào") may equal
    training examples; nlu/README.md reports the figures with and without them."""
    held = load_nlu_data(HELDOUT).examples
    counts = Counter(e.intent for e in held)
    assert set(counts) == CONTRACT_INTENTS and set(counts.values()) == {20}


def test_data_has_diacritic_free_and_teencode_examples() -> None:
    texts = [e.text for e in load_nlu_data(TRAIN).examples]
    plain = [t for t in texts if t.isascii()]
    assert len(plain) >= 0.2 * len(texts)
    words = Counter(w for t in texts for w in re.findall(r"\w+", t.lower()))
    for abbr in ("dk", "ks", "cccd", "cmnd", "bhyt", "ko", "k", "dc", "j", "ntn", "z", "v"):
        assert words[abbr] > 0 or any(abbr in t.lower().split() for t in texts), abbr


def test_no_normalised_example_has_two_labels() -> None:
    """Two examples that the classifier sees as the same text must not teach it two intents
    (e.g. "kkk", laughter, once folded into "k" = không)."""
    labels: dict[str, set[str]] = {}
    for e in load_nlu_data(TRAIN).examples:
        labels.setdefault(normalize(e.text), set()).add(e.intent)
    assert {n: s for n, s in labels.items() if len(s) > 1} == {}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("kkk", "haha"),
        ("kkkkkk vui qua", "haha vui qua"),
        ("k", "khong"),
        ("ko dc", "khong duoc"),
        ("Đăng kýyyy KS", "dang ky khai sinh"),
        ("hồ sơ DEMO-261120-0007", "ho so mahoso"),
        ("nv đâu, cho gặp operator", "nhan vien dau cho gap tong dai vien"),
    ],
)
def test_normalisation(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "name", ["own_split.yml", "own_split_b.yml", "own_split_c.yml", "own_split_d.yml", "own_split_e.yml"]
)
def test_own_splits_are_not_in_training(name: str) -> None:
    """The own held-out splits (tests/nlu/) share no example with training, not even after
    normalisation, and cover the intents they were drawn for."""
    train = {normalize(e.text) for e in load_nlu_data(TRAIN).examples}
    split = load_nlu_data(Path(__file__).parent / name).examples
    assert len(split) >= 80
    assert [e.text for e in split if normalize(e.text) in train] == []
    assert {e.intent for e in split} <= CONTRACT_INTENTS
