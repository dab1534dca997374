"""Imports only point downwards: taxonomies < observatory < models < pipelines < api.

The CLI (cli/) is the entry point on top: it may import upper layers, but only inside
functions, so that the core never loads them at import time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["taxonomies", "observatory", "models", "pipelines", "api", "cli"]
HEAVY_FOR_TAXONOMIES = {"numpy", "pandas", "torch", "sqlalchemy", "faiss", "spacy", "pydantic"}


def _module_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:  # only module level: lazy imports inside functions are allowed
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.If | ast.Try):
            for sub in ast.walk(node):
                if isinstance(sub, ast.ImportFrom) and sub.module and sub.level == 0:
                    names.add(sub.module.split(".")[0])
                elif isinstance(sub, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in sub.names)
    return names


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_imports_only_lower_layers(layer: str) -> None:
    higher = set(LAYERS[LAYERS.index(layer) + 1 :])
    offenders = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        imported = _module_level_imports(path)
        bad = imported & higher
        if layer == "taxonomies":
            bad |= imported & HEAVY_FOR_TAXONOMIES
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offenders == []
