"""The synthetic store and priority vectors of ``bench_api.py``.

Priorities recombine a title and two description sentences of one language of the built-in
sample (``observatory/sample/priorities.csv``, 12 languages, drawn in the sample's proportions),
with coherent synthetic labels. Their vectors are composed, not embedded: the configured search
embedder encodes each distinct part once as a ``passage`` (~950 texts), and a priority's vector
is the normalised sum of its three parts' vectors. Embedding 10^5-10^6 whole texts would take
hours on two cores and measure the embedder, not the API. The vectors are then stored the way
the index pipeline stores them (``pipelines.index.priority_vectors_from_settings``: same model
id, taxonomy versions, index kind, priority languages for the language centring, and
``config.json`` written through ``observatory.artefacts``), so the server loads them as its own.
"""

from __future__ import annotations

import csv
import random
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
COUNTRIES = ["AT", "BE", "CZ", "DE", "DK", "EL", "ES", "FI", "FR", "HU", "IT", "NL", "PL", "PT"]
COUNTRIES += ["SE"]
STATUSES = ["suggested"] * 6 + ["auto_accepted"] * 2 + ["accepted", "corrected"]
CHUNK = 50_000  # rows per bulk insert: bounds the generator's memory at 10^6 priorities


@dataclass(frozen=True)
class Parts:
    """The sample's titles and sentences per language, and the languages' weights."""

    titles: dict[str, list[str]]
    sentences: dict[str, list[str]]
    weights: dict[str, int]

    def texts(self) -> list[tuple[str, str]]:
        """Every distinct (language, text) part, titles first."""
        found = [(lang, t) for lang, items in self.titles.items() for t in items]
        found += [(lang, s) for lang, items in self.sentences.items() for s in items]
        return sorted(set(found))


@dataclass(frozen=True)
class Corpus:
    """What was generated: priority ids with their languages and parts, and the regions."""

    sample: Parts
    ids: np.ndarray
    languages: list[str]
    parts: list[tuple[str, str, str]]
    regions: list[str]
    words: list[str]
    task_count: int


def sample_parts(per_language: int | None = None) -> Parts:
    """Titles and sentences of the built-in sample, by language (at most ``per_language``
    titles and twice as many sentences each, when given: fewer texts to embed)."""
    with (ROOT / "observatory" / "sample" / "priorities.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    titles: dict[str, set[str]] = defaultdict(set)
    sentences: dict[str, set[str]] = defaultdict(set)
    weights: dict[str, int] = defaultdict(int)
    for row in rows:
        lang = row["language"] or "en"
        weights[lang] += 1
        titles[lang].add(row["title"])
        for sentence in re.split(r"(?<=[.!?])\s+", row["description"]):
            if sentence.strip():
                sentences[lang].add(sentence.strip())
    most = per_language or len(rows)
    return Parts(
        {k: sorted(v)[:most] for k, v in titles.items()},
        {k: sorted(v)[: 2 * most] for k, v in sentences.items() if len(v) >= 2},
        {k: v for k, v in weights.items() if len(sentences.get(k, ())) >= 2},
    )


def _region_codes(regions: int, rng: random.Random) -> list[str]:
    codes: list[str] = []
    while len(codes) < regions:
        code = f"{rng.choice(COUNTRIES)}{rng.randint(1, 9)}{rng.choice('123456789ABCDEF')}"
        if code not in codes:
            codes.append(code)
    return codes


def generate(
    db_url: str, n: int, regions: int, tasks: int, rng: random.Random, parts: Parts
) -> Corpus:
    """Write strategies, priorities, labels and ``tasks`` open NACE review tasks (on suggested
    labels) with bulk inserts."""
    import taxonomies
    from observatory.store import SQLStore
    from observatory.store.tables import LabelRow, PriorityRow, ReviewTaskRow, StrategyRow

    languages = sorted(parts.weights)
    weights = [parts.weights[lang] for lang in languages]
    nace = [c.code for c in taxonomies.load("nace").at_level("division")]
    nabs = [c.code for c in taxonomies.load("nabs")]
    chains = taxonomies.ecosystem_nace_crosswalk(
        taxonomies.load("ecosystem"), taxonomies.load("nace")
    )
    eco_names = sorted(chains)
    store = SQLStore(db_url)
    store.migrate()
    codes = _region_codes(regions, rng)
    chosen: list[tuple[str, str, str]] = []
    priority_languages: list[str] = []
    task_rows: list[dict] = []
    with store.engine.begin() as conn:
        conn.execute(
            StrategyRow.__table__.insert(),
            [
                {
                    "id": i + 1,
                    "key": f"bench:{code}",
                    "version": 1,
                    "is_current": True,
                    "title": f"Smart specialisation strategy {code}",
                    "region": f"Region {code}",
                    "nuts_code": code,
                    "country": code[:2],
                    "language": "en",
                    "period": rng.choice(["2014-2020", "2021-2027"]),
                    "source_kind": "import",
                    "warnings": [],
                }
                for i, code in enumerate(codes)
            ],
        )
        for start in range(1, n + 1, CHUNK):
            priorities, labels = [], []
            for pid in range(start, min(n, start + CHUNK - 1) + 1):
                lang = rng.choices(languages, weights)[0]
                title = rng.choice(parts.titles[lang])
                s1, s2 = rng.sample(parts.sentences[lang], 2)
                chosen.append((title, s1, s2))
                priority_languages.append(lang)
                priorities.append(
                    {
                        "id": pid,
                        "strategy_id": rng.randrange(regions) + 1,
                        "rank": pid % 12 + 1,
                        "title": title,
                        "description": f"{s1} {s2}",
                        "pages": [],
                        "keywords": [],
                        "confidence": round(rng.random(), 3),
                        "language": lang,
                    }
                )
                t = zlib.crc32(title.encode())  # the title decides the chain: coherent labels
                chain = chains[eco_names[t % len(eco_names)]]
                status = rng.choice(STATUSES)
                for taxonomy, code in (
                    ("ecosystem", eco_names[t % len(eco_names)]),
                    (
                        "nace",
                        chain[rng.randrange(len(chain))]
                        if rng.random() < 0.8
                        else rng.choice(nace),
                    ),
                    ("nabs", nabs[(t * 7) % len(nabs)]),
                ):
                    labels.append(
                        {
                            "priority_id": pid,
                            "taxonomy": taxonomy,
                            "code": code,
                            "status": status,
                            "probability": round(0.5 + rng.random() / 2, 3),
                            "rank": 1,
                            "source_kind": "model",
                            "model_version": "bench-1",
                            "rationale": [],
                            "is_current": True,
                        }
                    )
                if status == "suggested" and len(task_rows) < tasks:
                    task_rows.append(
                        {
                            "priority_id": pid,
                            "taxonomy": "nace",
                            "status": "open",
                            "reason": "gate",
                            "doubt": round(rng.random(), 3),
                            "required_reviews": 1,
                            "model_version": "bench-1",
                            "version": 0,
                        }
                    )
            conn.execute(PriorityRow.__table__.insert(), priorities)
            conn.execute(LabelRow.__table__.insert(), labels)
        if task_rows:
            conn.execute(ReviewTaskRow.__table__.insert(), task_rows)
    store.close()
    words = sorted(
        {w.lower() for t in parts.titles.get("en", []) for w in re.findall(r"[A-Za-z]{5,}", t)}
    )
    return Corpus(
        parts,
        np.arange(1, n + 1, dtype=np.int64),
        priority_languages,
        chosen,
        codes,
        words,
        len(task_rows),
    )


def build_vectors(settings, corpus: Corpus, cache_dir: Path | None) -> str:
    """Compose the priorities' vectors from the configured search embedder's passage vectors
    of their parts and save them as the index pipeline does; returns the embedder's model id.

    ``cache_dir`` keeps the parts' vectors between runs (they are the same every run)."""
    from models.embedders import embedder_from_settings
    from observatory.search import served_taxonomies
    from pipelines.index import priority_vectors_from_settings

    cached = settings.model_copy(update={"data_dir": cache_dir}) if cache_dir else settings
    embedder = embedder_from_settings(cached, purpose="search")
    texts = corpus.sample.texts()
    position = {text: i for i, (_, text) in enumerate(texts)}
    part_vectors = embedder.encode([t for _, t in texts], kind="passage")
    index = np.array([[position[p] for p in row] for row in corpus.parts], dtype=np.int64)
    vectors = np.empty((len(index), part_vectors.shape[1]), dtype=np.float32)
    for start in range(0, len(index), CHUNK):  # in chunks: (n, 3, d) at 10^6 is 4.6 GB
        rows = index[start : start + CHUNK]
        block = part_vectors[rows].sum(axis=1)
        vectors[start : start + CHUNK] = block / np.linalg.norm(block, axis=1, keepdims=True)
    served = served_taxonomies(settings)
    store = priority_vectors_from_settings(settings, served, embedder)
    store.add(corpus.ids, vectors, corpus.languages)
    return embedder.model_id
