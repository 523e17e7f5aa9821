"""nlu.intake: a new author's batch is split (seeded, per intent, twins together) before training."""

from __future__ import annotations

from pathlib import Path

import yaml

from nlu.data import load_nlu_data
from nlu.intake import draw, merge, read_batch, write_split
from nlu.text import normalize

BATCH = {
    "greet": ["xin chào", "xin chao", "chào ad", "alo có ai không", "hello mọi người", "chào buổi tối"],
    "cancel": ["hủy hồ sơ", "huy ho so", "thôi không làm nữa", "dừng lại giúp tôi", "bỏ đi"],
}


def test_draw_is_seeded_keeps_twins_together_and_drops_known_lines() -> None:
    known = {normalize("bỏ đi")}
    split, rest, dropped = draw(BATCH, known, 0.4, seed=7)
    assert (split, rest) == draw(BATCH, known, 0.4, seed=7)[:2]
    assert dropped == {"known": 1, "conflict": 0}
    for intent in BATCH:
        assert not set(split[intent]) & set(rest[intent])
        assert len(split[intent]) + len(rest[intent]) == len(BATCH[intent]) - (intent == "cancel")
        for side in (split[intent], rest[intent]):  # a message and its diacritic-free twin together
            keys = [normalize(t) for t in side]
            assert all(keys.count(k) == 2 for k in keys if k in {"xin chao", "huy ho so"})
    assert 1 <= len(split["greet"]) <= 4


def test_a_key_given_two_intents_is_dropped() -> None:
    _, rest, dropped = draw({"affirm": ["ok"], "thank": ["ok", "cảm ơn"]}, set(), 0.0, seed=1)
    assert dropped["conflict"] == 2 and rest == {"affirm": [], "thank": ["cảm ơn"]}


def test_split_file_and_merge_round_trip(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for intent, texts in BATCH.items():
        (folder / f"{intent}.yml").write_text(
            yaml.safe_dump([{"text": t} for t in texts], allow_unicode=True)
        )
    assert read_batch(folder) == BATCH
    split, rest, _ = draw(BATCH, set(), 0.4, seed=3)
    write_split(tmp_path / "split.yml", split, "header")
    assert [e.text for e in load_nlu_data(tmp_path / "split.yml").examples] == split["cancel"] + split[
        "greet"
    ]
    data = tmp_path / "nlu.yml"
    data.write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - chào\n\n'
        "- intent: cancel\n  examples: |\n    - hủy\n",
        encoding="utf-8",
    )
    assert merge(data, rest) == sum(map(len, rest.values()))
    got = load_nlu_data(data).examples
    assert [e.text for e in got if e.intent == "greet"] == ["chào", *rest["greet"]]
    assert [e.text for e in got if e.intent == "cancel"] == ["hủy", *rest["cancel"]]


def test_a_rasa_format_batch_is_read_without_annotations(tmp_path: Path) -> None:
    (tmp_path / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - xin chào\n    - xin  chào\n\n'
        "- intent: start_procedure\n  examples: |\n"
        '    - làm [khai sinh]{"entity": "procedure", "value": "khai_sinh"} cho con\n',
        encoding="utf-8",
    )
    assert read_batch(tmp_path) == {"greet": ["xin chào"], "start_procedure": ["làm khai sinh cho con"]}
