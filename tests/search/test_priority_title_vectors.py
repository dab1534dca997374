"""Each priority has a vector of its title beside the vector of its whole text; the index holds
their weighted mean (``pipelines.index.centring``), saved and loaded with the other vectors."""

from __future__ import annotations

import logging

import numpy as np
import pytest

import taxonomies
from observatory.domain import PriorityCreate, StrategyCreate
from observatory.search import CatalogCache
from observatory.store import SQLStore
from observatory.store.strategies import save_strategy
from pipelines.index import PriorityVectors
from pipelines.index.centring import TITLE_WEIGHT, centred, language_means
from pipelines.index.priority_vectors import TITLE_VECTORS_FILE

PRIORITIES = {
    "en": [
        ("Offshore wind energy", "Turbines, foundations and port logistics for wind farms."),
        ("Digital health", "Telemedicine and health data services for rural areas."),
    ],
    "el": [
        ("Υπεράκτια αιολική ενέργεια", "Ανεμογεννήτριες, θεμέλια και λιμενική εφοδιαστική."),
        ("Ψηφιακή υγεία", "Τηλεϊατρική και υπηρεσίες δεδομένων υγείας."),
    ],
}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory):
    store = SQLStore(f"sqlite:///{tmp_path_factory.mktemp('titles') / 's.db'}")
    store.migrate()
    with store.transaction(write=True) as session:
        for lang, items in PRIORITIES.items():
            save_strategy(
                session,
                StrategyCreate(title=f"S3 {lang}", country="IE", language=lang),
                [PriorityCreate(title=t, description=d, language=lang) for t, d in items],
            )
    yield CatalogCache(store, {"nace": taxonomies.load("nace")}, check_seconds=0).current()
    store.close()


def test_title_vectors_are_the_titles_encoded_and_weigh_in_the_similarity(
    e5_embedder, catalog, tmp_path
) -> None:
    vectors = PriorityVectors(e5_embedder, tmp_path)
    assert vectors.sync(catalog) == 4
    titles = [catalog.titles[row] for row in range(len(catalog))]
    order = np.searchsorted(vectors.ids, catalog.ids)
    expected = e5_embedder.encode(titles, kind="passage")
    assert np.allclose(vectors.title_vectors[order], expected, atol=1e-5)
    # the similarity is the weighted mean of the centred cosines with the text and the title
    query = "wind power at sea"
    ids, sims = vectors.search(query, 4, None)
    languages = vectors.languages
    text = centred(vectors.vectors, languages, language_means(vectors.vectors, languages))
    title = centred(
        vectors.title_vectors, languages, language_means(vectors.title_vectors, languages)
    )
    q = vectors._centre_query(query, vectors.embed_query(query))
    mean = (text @ q + TITLE_WEIGHT * (title @ q)) / (1 + TITLE_WEIGHT)
    position = np.searchsorted(vectors.ids, ids)
    assert np.allclose(sims, mean[position], atol=2e-3)  # served from a float16 copy
    assert not np.allclose(sims, (text @ q)[position], atol=2e-3)  # not the text alone


def test_title_vectors_are_saved_and_a_folder_without_them_is_rebuilt(
    e5_embedder, catalog, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    first = PriorityVectors(e5_embedder, tmp_path)
    first.sync(catalog)
    reloaded = PriorityVectors(e5_embedder, tmp_path)
    assert np.array_equal(reloaded.title_vectors, first.title_vectors)
    assert reloaded.sync(catalog) == 0
    (tmp_path / TITLE_VECTORS_FILE).unlink()  # a folder saved before title vectors
    with caplog.at_level(logging.WARNING, logger="pipelines.index.priority_vectors"):
        old = PriorityVectors(e5_embedder, tmp_path)
    assert "no title vectors; rebuilding" in caplog.text
    assert old.sync(catalog) == 4
    assert np.allclose(old.title_vectors, first.title_vectors, atol=1e-6)


def test_vectors_added_without_titles_share_the_text_vectors(
    e5_embedder, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    texts = [f"{t} {d}" for items in PRIORITIES.values() for t, d in items]
    languages = [lang for lang, items in PRIORITIES.items() for _ in items]
    passages = e5_embedder.encode(texts, kind="passage")
    vectors = PriorityVectors(e5_embedder, tmp_path)
    vectors.add(np.arange(1, 5), passages, languages)
    assert vectors.title_vectors is vectors.vectors  # no copy (bench_api adds 10^6 of them)
    assert np.load(tmp_path / TITLE_VECTORS_FILE).shape == (0, e5_embedder.dimension)
    with caplog.at_level(logging.WARNING, logger="pipelines.index.priority_vectors"):
        reloaded = PriorityVectors(e5_embedder, tmp_path)
    assert "rebuilding" not in caplog.text
    assert reloaded.title_vectors is reloaded.vectors
    assert reloaded.search("telemedicine", 4, None)[0].tolist() == (
        vectors.search("telemedicine", 4, None)[0].tolist()
    )
