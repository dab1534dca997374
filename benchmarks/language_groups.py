"""What the own-language phrases and the spelling match add, and what the crosswalk check catches.

Run: ``.venv/bin/python benchmarks/language_groups.py [benchmarks/gold/gold_dev.csv]
[--embedder ensemble]``. Prints top-1 per taxonomy for English, the other languages the
embedder reads, and the languages it does not read, with and without the phrases of
``taxonomies/data/keywords`` and the character n-gram match (same calibration); then NACE
top-1 for texts whose three taxonomies agree through the crosswalks and for the others.
"""

from __future__ import annotations

import sys
from pathlib import Path

# run against the code next to this script, whatever the venv's editable install points at
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import dataclasses
import os

DEFAULT_GOLD = Path(__file__).resolve().parent / "gold" / "gold_dev.csv"
TAXONOMIES = ("nace", "nabs", "ecosystem")


def _top1_by_group(classifier, rows, read: set[str]) -> tuple[dict, list]:
    from models.classifier.languages import language_group

    predictions = classifier.classify([r.text for r in rows], languages=[r.language for r in rows])
    table: dict[str, dict[str, list[bool]]] = {}
    for row, prediction in zip(rows, predictions, strict=True):
        for name in TAXONOMIES:
            if row.codes.get(name):
                hit = prediction[name].codes[0].code in row.codes[name]
                group = language_group(row.language or "en", read)
                table.setdefault(name, {}).setdefault(group, []).append(hit)
    return table, predictions


def _line(label: str, table: dict) -> str:
    cells = []
    for name in TAXONOMIES:
        groups = table.get(name, {})
        parts = [f"{g} {sum(v) / len(v):.3f} (n={len(v)})" for g, v in sorted(groups.items())]
        cells.append(f"{name}: " + ", ".join(parts))
    return f"{label:>28}: " + " | ".join(cells)


def main() -> None:
    """Evaluate with and without the language phrases; report the crosswalk check."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from models.classifier import Classifier, ClassifierParams
    from models.embedders import LanguageWeights, create_embedder
    from observatory.settings import load_settings
    from pipelines.classify.evaluation import read_gold
    from taxonomies import Taxonomy, load

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path, nargs="?", default=DEFAULT_GOLD)
    parser.add_argument("--embedder", default="ensemble")
    args = parser.parse_args()
    embedder = create_embedder(args.embedder, cache_dir=load_settings().cache_dir)
    read = set(embedder.languages or ()) - {"en"}

    default = Classifier(embedder)
    rows, _ = read_gold(args.gold, default)
    table, predictions = _top1_by_group(default, rows, read)
    print(_line("with phrases + spelling", table))

    def english_only(taxonomy: Taxonomy) -> Taxonomy:
        codes = [dataclasses.replace(c, keywords_by_language={}) for c in taxonomy]
        return Taxonomy(taxonomy.name, taxonomy.version, taxonomy.title, taxonomy.levels, codes)

    # without the phrases, unread languages weigh the ensemble as read ones do (USE-leaning)
    flat = LanguageWeights(unread=LanguageWeights().read)
    bare = Classifier(
        create_embedder(args.embedder, cache_dir=load_settings().cache_dir, language_weights=flat)
        if args.embedder == "ensemble"
        else embedder,
        {name: english_only(load(name)) for name in TAXONOMIES},
        params=ClassifierParams(lexical_weight={"en": 0.0, "read": 0.0, "unread": 0.0}),
    )
    print(_line("without", _top1_by_group(bare, rows, read)[0]))

    agree: list[bool] = []
    conflict: list[bool] = []
    for row, prediction in zip(rows, predictions, strict=True):
        if row.codes.get("nace"):
            nace = prediction["nace"]
            (conflict if nace.conflicts else agree).append(nace.codes[0].code in row.codes["nace"])
    print(
        f"NACE top-1 where the taxonomies agree {sum(agree) / len(agree):.3f} (n={len(agree)}), "
        f"where they conflict {sum(conflict) / max(len(conflict), 1):.3f} (n={len(conflict)})"
    )


if __name__ == "__main__":
    main()
