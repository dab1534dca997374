"""Real text with known codes, read from the reference folder (``../shared``) at run time.

Nothing here is shipped or copied: every phrase is read from the files where it was published
(Eurostat's NACE notes in 8 languages, ISTAT's ATECO and GUS's PKD notes, three real
strategies), so benchmarks and fitting scripts can measure the classifier on language no one
wrote for this project.

Phrases are held out **by NACE class**: ``class_split`` puts every class in ``train`` (its
phrases may teach the classifier), ``fit`` (its phrases fit the score weights and the gate) or
``check`` (its phrases only measure). A phrase of a held-out class is never a prototype or a
training item, so the figures say how the classifier does on activities it has never seen.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from models.classifier.prototypes import note_items

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REPO.parent / "shared"
STRATEGY_LABELS = REPO / "benchmarks" / "gold" / "strategy_labels.json"
# Eurostat RAMON exports with notes in the file's own language; the other three carry titles only
NOTE_LANGUAGES = ("de", "es", "fr", "pl")
TITLE_LANGUAGES = ("it", "nl", "pt")
RAMON_LANGUAGES = ("de", "es", "fr", "it", "nl", "pl", "pt")
# 20 hash buckets per class: 3 fit the weights and the gate, 3 only measure, 14 may teach
SPLIT_BUCKETS = 20
FIT_BUCKETS = frozenset({0, 1, 2})
CHECK_BUCKETS = frozenset({3, 4, 5})
MAX_PHRASE_CHARS = 300
# "This class includes:" in the notes' languages (note_items strips the English one)
_LOCAL_PREAMBLE = re.compile(
    r"^(diese klasse umfasst|esta clase comprende|cette classe comprend|klasa ta obejmuje)"
    r"( auch| también| également| również| ponadto)?\s*:?\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LabelledText:
    """One real text with its codes at the predicted levels (taxonomy -> codes)."""

    text: str
    language: str
    codes: Mapping[str, tuple[str, ...]]
    nace_class: str = ""  # the class a notes phrase describes ("" for priorities)
    source: str = ""  # document or file it was read from


@dataclass(frozen=True)
class RealSet:
    """A named list of labelled texts (one benchmark row group)."""

    name: str
    texts: tuple[LabelledText, ...]
    kind: str = "phrases"  # "phrases" (activity phrases) or "priorities"
    notes: tuple[str, ...] = field(default_factory=tuple)


def class_split(nace_class: str) -> str:
    """'train', 'fit' or 'check' for a NACE class code ('' counts as check: not a phrase)."""
    if not nace_class:
        return "check"
    bucket = int(hashlib.sha256(nace_class.encode()).hexdigest(), 16) % SPLIT_BUCKETS
    if bucket in FIT_BUCKETS:
        return "fit"
    if bucket in CHECK_BUCKETS:
        return "check"
    return "train"


def held_out_classes(all_classes: Iterable[str]) -> frozenset[str]:
    """The classes whose phrases must never be prototypes or training items."""
    return frozenset(code for code in all_classes if class_split(code) != "train")


def normalised_title_key(title: str) -> str:
    """The key a strategy label is stored under: sha256 of the casefolded title, 16 hex."""
    return hashlib.sha256(" ".join(title.casefold().split()).encode()).hexdigest()[:16]


def sample(texts: Sequence[LabelledText], limit: int | None, seed: int) -> list[LabelledText]:
    """A seeded sample of at most ``limit`` texts (all when ``limit`` is None)."""
    items = list(texts)
    if limit is None or len(items) <= limit:
        return items
    return random.Random(seed).sample(items, limit)


def _division(nace_class: str) -> str:
    return nace_class[:2]


def _phrase(text: str, language: str, nace_class: str, source: str) -> LabelledText | None:
    text = _LOCAL_PREAMBLE.sub("", " ".join(text.split())).strip(" .;,:-")
    if len(text) < 4 or not nace_class[:2].isdigit():
        return None
    return LabelledText(
        text[:MAX_PHRASE_CHARS], language, {"nace": (_division(nace_class),)}, nace_class, source
    )


def _dedupe(texts: Iterable[LabelledText | None]) -> tuple[LabelledText, ...]:
    seen: set[tuple[str, str]] = set()
    out = []
    for item in texts:
        if item is None:
            continue
        key = (item.text.casefold(), item.codes["nace"][0] if "nace" in item.codes else "")
        if key not in seen:
            seen.add(key)
            out.append(item)
    return tuple(out)


def eurostat_sets(shared: Path) -> list[RealSet]:
    """Eurostat's "includes" items (English, de es fr pl) and class titles (it nl pt)."""
    from taxonomies.eurostat import read_nace_language

    folder = shared / "taxonomies" / "nace_rev2_languages"
    sets: list[RealSet] = []
    english: list[LabelledText | None] = []
    for language in RAMON_LANGUAGES:
        path = folder / f"NACE_REV2_{language}.csv"
        if not path.is_file():
            continue
        entries = [e for e in read_nace_language(path, language).values() if e.level == "class"]
        if not english:
            english = [
                _phrase(item, "en", e.code, path.name)
                for e in entries
                for kind in ("includes", "also_includes")
                for item in note_items(e.english_notes.get(kind, ""), limit=100)
            ]
            sets.append(RealSet("notes-en", _dedupe(english)))
        if language in NOTE_LANGUAGES:
            local = [
                _phrase(item, language, e.code, path.name)
                for e in entries
                for kind in ("includes", "also_includes")
                for item in note_items(e.notes.get(kind, ""), limit=100)
            ]
            sets.append(RealSet(f"notes-{language}", _dedupe(local)))
        if language in TITLE_LANGUAGES:
            titles = [_phrase(e.title, language, e.code, path.name) for e in entries]
            sets.append(RealSet(f"titles-{language}", _dedupe(titles)))
    return sets


def national_sets(shared: Path) -> list[RealSet]:
    """ISTAT ATECO (Italian) and GUS PKD (Polish, manufacturing) explanatory notes."""
    sets = []
    files = {
        "ateco-it": ("it_istat_ateco2007_notes.csv", ("includes_item", "excludes_item_crossref")),
        "pkd-pl": ("pl_gus_pkd2007_sectionC_notes.csv", ("includes_paragraph",
                                                          "excludes_item_crossref")),
    }  # fmt: skip
    for name, (filename, kinds) in files.items():
        path = shared / "nace_text" / filename
        if not path.is_file():
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.DictReader(handle) if row["kind"] in kinds]
        texts = []
        for row in rows:
            nace_class = (row.get("label_nace_class") or row["label"])[:5]
            if len(nace_class) == 5 and nace_class[2] == ".":
                texts.append(_phrase(row["text"], row["lang"], nace_class, filename))
        sets.append(RealSet(name, _dedupe(texts)))
    return sets


def strategy_sets(shared: Path, labels_path: Path = STRATEGY_LABELS) -> list[RealSet]:
    """Priorities, sub-priorities and their children of the three strategies, own wording.

    Two label sets: ours (``benchmarks/gold/strategy_labels.json``, keyed by document and title
    hash) and the reference labels of ``expected_priorities.json``. Aliases take the labels of
    the title they belong to.
    """
    path = shared / "strategies" / "expected_priorities.json"
    if not path.is_file():
        return []
    documents = json.loads(path.read_text("utf-8"))["documents"]
    ours = json.loads(labels_path.read_text("utf-8"))["labels"]
    mine: list[LabelledText] = []
    reference: list[LabelledText] = []
    for document, body in documents.items():
        language = body.get("language") or "en"
        for item in _strategy_items(body.get("priorities", [])):
            labels = ours.get(document, {}).get(normalised_title_key(item["title"]))
            wording = [item["title"], *item.get("aliases", [])]
            ref = {
                "nace": tuple(item.get("nace_divisions", ())),
                "nabs": tuple(item.get("nabs_chapters", ())),
                "ecosystem": tuple(item.get("ecosystems", ())),
            }
            for text in dict.fromkeys(wording):
                if labels:
                    codes = {k: tuple(v) for k, v in labels.items() if v}
                    mine.append(LabelledText(text, language, codes, "", document))
                if ref["nace"]:
                    kept = {k: v for k, v in ref.items() if v}
                    reference.append(LabelledText(text, language, kept, "", document))
    return [
        RealSet("strategies", tuple(mine), "priorities", ("labels: ours",)),
        RealSet("strategies-ref", tuple(reference), "priorities", ("labels: expected_priorities",)),
    ]


def _strategy_items(priorities: Sequence[Mapping]) -> Iterable[Mapping]:
    for priority in priorities:
        yield priority
        for sub in priority.get("sub_priorities", []):
            yield sub
            yield from sub.get("children", [])


def real_sets(shared: Path = DEFAULT_SHARED) -> list[RealSet]:
    """Every real-text set found under ``shared`` (empty when the folder is absent)."""
    if not shared.is_dir():
        return []
    return [*eurostat_sets(shared), *national_sets(shared), *strategy_sets(shared)]


def split_of(texts: Sequence[LabelledText], part: str) -> list[LabelledText]:
    """The texts whose class falls in ``part`` ('train', 'fit', 'check')."""
    return [t for t in texts if class_split(t.nace_class) == part]
