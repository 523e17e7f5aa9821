"""The shape of the code (ARCHITECTURE.md): imports point down the layers, no module imports
itself back through others, modules stay small, and the bot's sentences live in data files."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first. A package may import its own modules and any package of a LOWER rank; packages
# of the same rank (nlu and ocr) do not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("nlu", "ocr", "places"),
    ("flows",),
    ("services",),
    ("handlers",),
    ("bot",),
]
RANK = {package: rank for rank, group in enumerate(LAYERS) for package in group}
MAX_LINES = 400
# Generated test material and migrations may be long; they are not read as architecture.
EXEMPT_PARTS = {"migrations", "synth"}
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)


def _modules() -> dict[str, Path]:
    found = {}
    for package in RANK:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _type_checking_only(tree: ast.Module) -> set[int]:
    """ids of import nodes inside `if TYPE_CHECKING:` blocks (no import at run time)."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in node.body:
                inside.update(id(n) for n in ast.walk(sub))
    return inside


def _imports(name: str, path: Path) -> list[tuple[str, bool]]:
    """(imported module, at run time?) for every import in a module, lazy ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = _type_checking_only(tree)
    package_parts = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            # `from pkg import mod` imports pkg.mod when it is a module of ours
            targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in MODULES else stem for a in node.names]
        for target in targets:
            if target.split(".")[0] in RANK:
                while target not in MODULES and "." in target:
                    target = target.rsplit(".", 1)[0]
                out.append((target, id(node) not in typing_only))
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_imports_point_down_the_layers():
    upward = []
    for name, targets in GRAPH.items():
        own = name.split(".")[0]
        for target, _ in targets:
            other = target.split(".")[0]
            if other != own and RANK[other] >= RANK[own]:
                upward.append(f"{name} imports {target}")
    assert not upward, "imports must point down (ARCHITECTURE.md):\n" + "\n".join(sorted(set(upward)))


def test_no_module_imports_itself_back():
    graph = {name: {t for t, runtime in targets if runtime and t != name} for name, targets in GRAPH.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    # a package's __init__ that re-exports its own modules is not a cycle of meaning
    real = [
        c for c in cycles if not any(a.startswith(b + ".") or b.startswith(a + ".") for a, b in zip(c, c[1:]))
    ]
    assert not real, "import cycles:\n" + "\n".join(" -> ".join(c) for c in real)


def test_modules_stay_small():
    long = []
    for _name, path in MODULES.items():
        if EXEMPT_PARTS & set(path.relative_to(ROOT).parts):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not long, f"modules over {MAX_LINES} lines:\n" + "\n".join(long)


def _docstrings(tree: ast.Module) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


# Values the outside contract spells in Vietnamese (field values of the `ocr --json` object), and
# the demo agency's name: a setting's default, written again in config.yml (a deployment sets it).
CONTRACT_VALUES = {"Không thời hạn", "Việt Nam", "Nam", "Nữ", "UBND phường Mẫu (demo)"}


def is_sentence(text: str) -> bool:
    """Vietnamese words a person would read: three or more words, one with a Vietnamese letter.
    Regular expressions (character classes, alternations, escapes) are patterns, not sentences."""
    if text in CONTRACT_VALUES or not VIETNAMESE.search(text) or re.search(r"[\\\[\]|]", text):
        return False
    return len(re.findall(r"[^\W\d_]+", text)) >= 3


def test_is_sentence_tells_sentences_from_patterns_and_values():
    assert is_sentence("Ảnh bị mờ, chụp lại")
    assert is_sentence("Đã gửi tin nhắn.")
    assert is_sentence("Đã từ chối hồ sơ")
    assert not is_sentence("Nữ") and not is_sentence("Việt Nam") and not is_sentence("Không thời hạn")
    assert not is_sentence(r"^(S[ốoó0]\s*)?(\d+)\s+(.*)$")
    assert not is_sentence("Please send the photo again")


def test_sentences_live_in_data_files_not_in_python():
    found = []
    for _name, path in MODULES.items():
        if EXEMPT_PARTS & set(path.relative_to(ROOT).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                if is_sentence(node.value):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}")
    assert not found, "Vietnamese sentences belong in the YAML data files:\n" + "\n".join(found)


@pytest.mark.parametrize("package", sorted(RANK))
def test_every_package_is_checked(package):
    assert any(name == package or name.startswith(package + ".") for name in MODULES)
