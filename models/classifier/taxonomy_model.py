"""The matrices the classifier scores one taxonomy with, built once from its prototypes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.classifier.examples import ExampleMemory
from models.classifier.ngrams import PrototypeGrams
from models.classifier.prototypes import Prototype
from taxonomies import Taxonomy

TARGET_LEVELS = {"nace": "division", "nabs": "chapter", "ecosystem": "ecosystem"}
ROLL_UP_LEVELS = {"nace": "section"}


@dataclass
class TaxonomyModel:
    """Prototype vectors of one taxonomy laid out per code, plus its validated examples."""

    name: str
    taxonomy: Taxonomy
    level: str
    codes: list[str]
    prototypes: list[Prototype]
    vectors: np.ndarray  # prototype vectors plus a zero row used as padding
    pad: np.ndarray  # (codes, max prototypes per code) row numbers; padding -> last row
    pad_mask: np.ndarray
    examples: ExampleMemory
    parents: tuple[list[str], np.ndarray] | None = None  # roll-up codes, membership matrix
    # language of each prototype row ("" = every text); the padding row has its own marker
    languages: np.ndarray | None = None
    # character n-gram vectors of the prototypes (set by the classifier)
    lexical: PrototypeGrams | None = None

    def hide_foreign(self, sims: np.ndarray, text_languages: list[str]) -> None:
        """Mask, in place, prototypes written in another language than each text's."""
        if self.languages is None:
            return
        by_language: dict[str, list[int]] = {}
        for row, language in enumerate(text_languages):
            by_language.setdefault(language or "", []).append(row)
        for language, rows in by_language.items():
            foreign = np.flatnonzero((self.languages != "") & (self.languages != language))
            if len(foreign):
                sims[np.ix_(rows, foreign)] = -np.inf


def build_taxonomy_model(
    name: str,
    taxonomy: Taxonomy,
    protos: list[Prototype],
    vectors: np.ndarray,
    *,
    examples: ExampleMemory | None = None,
) -> TaxonomyModel:
    """Lay prototypes out as a (codes x prototypes) padded table for vectorised scoring.

    ``examples`` carries the validated examples over when prototypes are added later.
    """
    level = TARGET_LEVELS[name]
    codes = [c.code for c in taxonomy.at_level(level)]
    rows: dict[str, list[int]] = {code: [] for code in codes}
    for row, proto in enumerate(protos):
        rows[proto.code].append(row)
    width = max(1, max(len(r) for r in rows.values()))
    pad = np.full((len(codes), width), len(protos), dtype=np.int64)
    for i, code in enumerate(codes):
        pad[i, : len(rows[code])] = rows[code]
    padded_vectors = np.vstack([vectors, np.zeros((1, vectors.shape[1]), np.float32)])
    parents = None
    if name in ROLL_UP_LEVELS:
        rolled = [taxonomy.roll_up(code, ROLL_UP_LEVELS[name]) for code in codes]
        parent_codes = list(dict.fromkeys(rolled))
        membership = np.zeros((len(codes), len(parent_codes)), dtype=np.float32)
        for row, parent in enumerate(rolled):
            membership[row, parent_codes.index(parent)] = 1.0
        parents = (parent_codes, membership)
    languages = np.array([p.language for p in protos] + [""], dtype=object)
    return TaxonomyModel(
        name, taxonomy, level, codes, protos, padded_vectors, pad, pad == len(protos),
        examples if examples is not None else ExampleMemory(codes, vectors.shape[1]), parents,
        languages if (languages != "").any() else None,
    )  # fmt: skip


def crosswalk_matrices(models: dict[str, TaxonomyModel]) -> dict[str, np.ndarray]:
    """NACE division -> NABS chapter / ecosystem 0-1 matrices for the consistency nudge."""
    from models.classifier.crosswalks import nace_to_ecosystems, nace_to_nabs

    if "nace" not in models:
        return {}
    nace = models["nace"]
    maps: dict[str, dict[str, list[str]]] = {}
    if "ecosystem" in models:
        maps["ecosystem"] = nace_to_ecosystems(models["ecosystem"].taxonomy, nace.taxonomy)
    if "nabs" in models:
        maps["nabs"] = nace_to_nabs(nace.taxonomy, models["nabs"].codes)
    out = {}
    for name, mapping in maps.items():
        target = models[name]
        matrix = np.zeros((len(nace.codes), len(target.codes)), dtype=np.float32)
        column = {code: i for i, code in enumerate(target.codes)}
        for row, division in enumerate(nace.codes):
            for code in mapping.get(division, []):
                if code in column:
                    matrix[row, column[code]] = 1.0
        out[name] = matrix
    return out
