"""Region profiles, IDF weights and code-only partner ranking on a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import taxonomies
from observatory.domain import LabelCreate, PriorityCreate, StrategyCreate
from observatory.errors import NotFound
from observatory.matching import MatchingService
from observatory.search import CatalogCache
from observatory.store import SQLStore
from observatory.store.labels import add_labels
from observatory.store.strategies import save_strategy

REGIONS = {
    # every region has agri-food (common); only AT31 and SE12 share the rare division 30
    "AT31": [("agri-food", "10"), ("aerospace-defence", "30")],
    "SE12": [("agri-food", "10"), ("aerospace-defence", "30"), ("digital", "62")],
    "PL22": [("agri-food", "10"), ("digital", "62")],
    "PT11": [("agri-food", "10"), ("agri-food", "11")],
}


@pytest.fixture
def service(tmp_path: Path) -> MatchingService:
    store = SQLStore(f"sqlite:///{tmp_path / 'm.db'}")
    store.migrate()
    with store.transaction(write=True) as session:
        for nuts, items in REGIONS.items():
            saved = save_strategy(
                session,
                StrategyCreate(title=f"S3 {nuts}", nuts_code=nuts, country=nuts[:2]),
                [PriorityCreate(title=f"{nuts} priority {i}") for i in range(len(items))],
            )
            for pid, (ecosystem, division) in zip(saved.priority_ids, items, strict=True):
                add_labels(
                    session,
                    pid,
                    [
                        LabelCreate(taxonomy="ecosystem", code=ecosystem),
                        LabelCreate(taxonomy="nace", code=division),
                    ],
                )
    served = {name: taxonomies.load(name) for name in ("nace", "nabs", "ecosystem")}
    cache = CatalogCache(store, served, check_seconds=0)
    return MatchingService(cache.current, served)


def test_profile_counts_and_idf(service: MatchingService) -> None:
    profile = service.region_profile("SE12")
    nace = {item["code"]: item for item in profile.codes["nace"]}
    assert nace["30"]["count"] == 1 and nace["30"]["share"] == pytest.approx(1 / 3, abs=1e-3)
    assert nace["30"]["idf"] > nace["10"]["idf"]  # rare codes weigh more
    with pytest.raises(NotFound):
        service.region_profile("ZZ1")


def test_shared_rare_code_ranks_first(service: MatchingService) -> None:
    matches = service.partners("AT31", limit=3)
    assert matches[0].region == "SE12"
    assert matches[0].semantic_score is None  # no vectors given: codes only
    shared = {c.code: c.weight for c in matches[0].shared_codes}
    assert shared["30"] > shared["10"]
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)


def test_unlike_pushes_a_region_down(service: MatchingService) -> None:
    plain = [m.region for m in service.partners("PL22", limit=3)]
    assert plain[0] == "SE12"
    pushed = [m.region for m in service.partners("PL22", limit=3, unlike=["SE12"])]
    assert "SE12" not in pushed


def test_complement_within_the_agri_food_chain(service: MatchingService) -> None:
    matches = service.partners("AT31", mode="complement")
    assert matches and matches[0].region == "PT11"  # division 11 of the shared chain
    chain = matches[0].chains[0]
    assert chain.ecosystem == "agri-food"
    assert "11" in {d["code"] for d in chain.divisions}
    assert np.isfinite(matches[0].score)
