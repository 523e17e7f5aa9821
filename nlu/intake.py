"""Taking in a batch of new messages from an outside author: a held-out split first, then
training on the rest.

    python -m nlu.intake DIR --split tests/nlu/own_split_c.yml --seed 2028           # 1. split only
    python -m nlu.intake DIR --split tests/nlu/own_split_c.yml --seed 2028 --merge   # 2. train on the rest

DIR holds one ``<intent>.yml`` per intent, each a list of ``{text: ...}`` (other keys ignored), or
one Rasa-format ``nlu.yml`` (annotations stripped to their text; synonym blocks ignored).
Messages equal, once normalised, to a line of the training data, the development set or an earlier
own split are dropped, and so are keys the author gave two intents. The remaining messages are
grouped by their normalised text (a message and its diacritic-free twin stay together), and per
intent a seeded share of the groups (``--share``, 40 %) is drawn into the split file. ``--merge``
draws the same split again (same seed, same data) and appends the other messages to
``data/nlu.yml``, at the end of their intent's block. The split is never trained on. Once merged,
the draw can be repeated only against the training data of before the merge.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import yaml

from .data import load_nlu_data
from .embedded import DATA_FILE
from .text import normalize

ROOT = DATA_FILE.parents[2]
KNOWN = (
    DATA_FILE,
    ROOT / "nlu" / "tests" / "dev.yml",
    *sorted((ROOT / "tests" / "nlu").glob("own_split*.yml")),
)


def read_batch(folder: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if (folder / "nlu.yml").exists():  # one Rasa-format file
        for e in load_nlu_data(folder / "nlu.yml").examples:
            text = " ".join(e.text.split())
            if text and text not in out.setdefault(e.intent, []):
                out[e.intent].append(text)
        return out
    for f in sorted(folder.glob("*.yml")):
        items = yaml.safe_load(f.read_text(encoding="utf-8")) or []
        out[f.stem] = [" ".join(str(i["text"]).split()) for i in items if str(i.get("text", "")).strip()]
    return out


def draw(batch: dict[str, list[str]], known: set[str], share: float, seed: int) -> tuple[dict, dict, dict]:
    """(split, rest, dropped counts) — split and rest map intent -> texts."""
    intents_of: dict[str, set[str]] = {}
    for intent, texts in batch.items():
        for t in texts:
            intents_of.setdefault(normalize(t), set()).add(intent)
    dropped = {"known": 0, "conflict": 0}
    rng = random.Random(seed)
    split: dict[str, list[str]] = {}
    rest: dict[str, list[str]] = {}
    for intent in sorted(batch):
        groups: dict[str, list[str]] = {}
        for t in batch[intent]:
            key = normalize(t)
            if key in known:
                dropped["known"] += 1
            elif len(intents_of[key]) > 1:
                dropped["conflict"] += 1
            elif t not in groups.setdefault(key, []):
                groups[key].append(t)
        keys = sorted(groups)
        rng.shuffle(keys)
        goal = round(share * sum(len(g) for g in groups.values()))
        taken: list[str] = []
        count = 0
        for k in keys:
            if count < goal:
                taken.append(k)
                count += len(groups[k])
        chosen = set(taken)
        split[intent] = [t for k in taken for t in groups[k]]
        rest[intent] = [t for k in keys if k not in chosen for t in groups[k]]
    return split, rest, dropped


def write_split(path: Path, split: dict[str, list[str]], header: str) -> None:
    lines = [*("# " + h for h in header.splitlines()), 'version: "3.1"', "", "nlu:"]
    for intent, texts in split.items():
        lines += [f"- intent: {intent}", "  examples: |", *(f"    - {t}" for t in texts)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def merge(data_file: Path, rest: dict[str, list[str]]) -> int:
    """Append each intent's texts at the end of its ``examples: |`` block in data_file."""
    lines = data_file.read_text(encoding="utf-8").splitlines()
    added = 0
    for intent, texts in rest.items():
        start = lines.index(f"- intent: {intent}")
        end = start + 2
        while end < len(lines) and lines[end].startswith("    - "):
            end += 1
        lines[end:end] = [f"    - {t}" for t in texts]
        added += len(texts)
    data_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return added


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="nlu.intake")
    ap.add_argument("folder")
    ap.add_argument("--split", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--share", type=float, default=0.4)
    ap.add_argument("--merge", action="store_true")
    args = ap.parse_args(argv)
    batch = read_batch(Path(args.folder))
    split_path = Path(args.split).resolve()
    if split_path.exists() and not args.merge:
        print(f"{split_path} exists: a split is drawn once, before its batch is trained on", file=sys.stderr)
        return 2
    sources = [p for p in KNOWN if p.exists() and p.resolve() != split_path]
    known = {normalize(e.text) for p in sources for e in load_nlu_data(p).examples}
    split, rest, dropped = draw(batch, known, args.share, args.seed)
    n_split = sum(map(len, split.values()))
    n_rest = sum(map(len, rest.values()))
    print(f"messages {sum(map(len, batch.values()))}, dropped {dropped}, split {n_split}, rest {n_rest}")
    if args.merge:
        print(f"appended {merge(DATA_FILE, rest)} examples to {DATA_FILE}")
        return 0
    header = (
        f"Own held-out split ({split_path.name}): {args.share:.0%} per intent of the new author's batch\n"
        f"({args.folder}),\n"
        f"drawn by `python -m nlu.intake` (seed {args.seed}, diacritic-free twins kept together) before\n"
        "any of that batch was trained on. Never trained on."
    )
    write_split(split_path, split, header)
    print(f"wrote {split_path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
