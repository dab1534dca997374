"""The classifier on the real MiniLM model and the built-in taxonomies."""

from __future__ import annotations

import numpy as np
import pytest

from models.classifier import (
    Classifier,
    ClassifierParams,
    GateThresholds,
    Prediction,
    ScoredCode,
    TaxonomyCalibration,
    gate,
    gate_thresholds,
)
from observatory.errors import InvalidInput, NotFound

DAIRY = "Manufacture of dairy products and cheese"
SHIPPED_MODELS = ("all-MiniLM-L6-v2",)
HEALTH = "hospitals and e-health"


def test_clear_texts_rank_sensibly(classifier: Classifier) -> None:
    dairy, health = classifier.classify([DAIRY, HEALTH])
    assert dairy["nace"].codes[0].code == "10"
    assert dairy["nace"].level == "division"
    assert dairy["nace"].rolled_up[0].code == "C"
    assert dairy["ecosystem"].codes[0].code == "agri-food"
    assert health["ecosystem"].codes[0].code == "health"
    assert health["nabs"].codes[0].code == "07"
    assert not dairy["nace"].abstained and not health["ecosystem"].abstained


def test_prediction_shape_and_rationale(classifier: Classifier) -> None:
    result = classifier.classify([DAIRY], taxonomies=("nace", "nabs"), top_k=4)[0]
    assert set(result) == {"nace", "nabs"}
    nace = result["nace"]
    assert [c.rank for c in nace.codes] == [1, 2, 3, 4]
    probabilities = [c.probability for c in nace.codes]
    assert probabilities == sorted(probabilities, reverse=True)
    assert 0.0 < sum(probabilities) <= 1.0 + 1e-6
    evidence = nace.codes[0].rationale[0]
    assert evidence.kind == "prototype" and 0.0 < evidence.similarity <= 1.0
    assert nace.model_id == "all-MiniLM-L6-v2" and nace.taxonomy_version


def test_batches_give_the_same_answer_as_single_texts(classifier: Classifier) -> None:
    batch = classifier.classify([DAIRY, HEALTH, "Offshore wind farms"])
    single = classifier.classify([HEALTH])[0]
    for name in ("nace", "nabs", "ecosystem"):
        assert [c.code for c in batch[1][name].codes] == [c.code for c in single[name].codes]
        assert batch[1][name].codes[0].probability == pytest.approx(
            single[name].codes[0].probability, abs=1e-4
        )


def test_added_examples_change_the_next_prediction(classifier: Classifier) -> None:
    own = classifier.fork()  # examples added here leave the session's classifier unchanged
    text = "Sensor networks for smart buildings"
    before = own.classify([text], taxonomies=("nace",))[0]["nace"]
    # a validated example saying such texts belong elsewhere (real estate, division 68)
    target = "68" if before.codes[0].code != "68" else "43"
    # the reviewer's label on this very text (a near-duplicate stands in for a prototype)
    ids = own.add_examples([text], "nace", [[target]])
    after = own.classify([text], taxonomies=("nace",))[0]["nace"]
    assert after.codes[0].code == target
    assert any(e.kind == "example" for e in after.codes[0].rationale)
    untouched = classifier.classify([text], taxonomies=("nace",))[0]["nace"]
    assert untouched.codes[0].code == before.codes[0].code
    assert own.remove_examples(ids) == 1
    restored = own.classify([text], taxonomies=("nace",))[0]["nace"]
    assert restored.codes[0].code == before.codes[0].code


def test_examples_accept_vectors_and_fine_codes(classifier: Classifier) -> None:
    own = classifier.fork()
    vectors = own.stored_vectors(["Cheese dairies in mountain valleys"])
    ids = own.add_examples(vectors, "nace", ["10.51"])
    model = own.models["nace"]
    row = list(model.examples.ids).index(ids[0])
    assert model.examples.labels[row, model.codes.index("10")] == 1.0
    assert len(classifier.models["nace"].examples) == len(model.examples) - 1
    with pytest.raises(NotFound, match="00"):
        own.add_examples(["x y z"], "nace", ["00"])


@pytest.mark.parametrize("text", ["xqzt blorf wuggle frim", "Priority 3"])
def test_abstains_on_gibberish_and_very_short_text(classifier: Classifier, text: str) -> None:
    result = classifier.classify([text])[0]
    for prediction in result.values():
        assert prediction.abstained
        assert any("not classifiable" in w for w in prediction.warnings)
        assert not gate(prediction, 0.0, 0.0)
        assert prediction.codes  # suggestions are kept for reviewers


def test_bad_inputs(classifier: Classifier) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        classifier.classify(["fine text about wind", "   "])
    with pytest.raises(InvalidInput, match="unknown taxonomy"):
        classifier.classify([DAIRY], taxonomies=("isco",))
    with pytest.raises(InvalidInput):
        classifier.classify(DAIRY)  # type: ignore[arg-type]
    assert classifier.classify([]) == []


def test_very_long_text_is_truncated_with_a_warning(classifier: Classifier) -> None:
    long_text = ("Dairy processing and cheese making. " * 3000)[:100_000]
    result = classifier.classify([long_text], taxonomies=("nace",))[0]["nace"]
    assert any("truncated" in w for w in result.warnings)
    assert result.codes[0].code == "10"


def _prediction(*probabilities: float, abstained: bool = False) -> Prediction:
    codes = [
        ScoredCode(f"c{i}", p, p, i + 1) for i, p in enumerate(sorted(probabilities, reverse=True))
    ]
    return Prediction("nace", codes, abstained, "m", "2")


def test_gate_thresholds() -> None:
    assert gate(_prediction(0.95, 0.03), 0.9, 0.2)
    assert not gate(_prediction(0.85, 0.1), 0.9, 0.2)  # not probable enough
    assert not gate(_prediction(0.5, 0.45), 0.4, 0.2)  # probable but not ahead
    assert gate(_prediction(0.5, 0.45), 0.4, 0.0)
    assert not gate(_prediction(0.99, abstained=True), 0.0, 0.0)
    assert gate(_prediction(0.99))  # module defaults


def test_unknown_embedding_space_is_rejected(classifier: Classifier) -> None:
    with pytest.raises(InvalidInput):
        classifier.add_examples(np.ones((1, 3), dtype=np.float32), "nace", ["10"])


def test_ensemble_routes_languages_and_reads_french(embedder, use_embedder) -> None:
    from models.embedders.ensemble import EnsembleEmbedder
    from taxonomies import load

    ensemble = EnsembleEmbedder([embedder, use_embedder])
    multilingual = Classifier(ensemble, {"ecosystem": load("ecosystem")})
    french = "Hôpitaux, santé numérique et dispositifs médicaux"
    as_french, as_english = (
        multilingual.classify([french], languages=[lang])[0]["ecosystem"] for lang in ("fr", "en")
    )
    assert as_french.codes[0].code == "health"
    # the language decides how much MiniLM (English-only) counts, so the scores differ
    assert as_french.codes[0].score != pytest.approx(as_english.codes[0].score, abs=1e-6)
    assert multilingual.classify([french])[0]["ecosystem"].codes[0].code == "health"


def test_shipped_calibrations_were_fitted_on_several_distributions() -> None:
    from models.classifier import shipped_calibration

    for model_id in SHIPPED_MODELS:
        calibration = shipped_calibration(model_id)
        # the calibration gold split and real-text sets; never the dev split (the starter
        # examples) nor the held-out test split
        fitted_on = calibration.metadata["fitted_on"]
        assert "gold-calib" in fitted_on and "notes-en" in fitted_on
        assert not {"gold-dev", "gold-test"} & set(fitted_on)
        assert calibration.metadata["starter_examples"] is True
        assert set(calibration.taxonomies) == {"nace", "nabs", "ecosystem"}
        for params in calibration.taxonomies.values():
            assert 0.0 < params.temperature < 1.0
            assert sum(params.weights.as_array()) == pytest.approx(1.0, abs=1e-4)


def test_phrases_in_another_language_only_meet_texts_in_that_language(embedder) -> None:
    from taxonomies import Code, Taxonomy

    tiny = Taxonomy(
        "ecosystem", "t", "tiny", ("ecosystem",),
        [
            Code("forest", "ecosystem", None, "Forestry",
                 keywords_by_language={"fi": ("metsätalous ja puunjalostus",)}),
            Code("dairy", "ecosystem", None, "Dairy products"),
        ],
    )  # fmt: skip
    with_phrases = ClassifierParams(language_keywords=True)
    classifier = Classifier(embedder, {"ecosystem": tiny}, params=with_phrases)
    text = ["metsätalous ja puunjalostus"]
    finnish = classifier.classify(text, languages=["fi"])[0]["ecosystem"].codes[0]
    assert finnish.code == "forest"
    assert finnish.rationale[0].text == "metsätalous ja puunjalostus"
    assert finnish.rationale[0].similarity == pytest.approx(1.0, abs=1e-3)
    english = classifier.classify(text, languages=["en"])[0]["ecosystem"]
    assert all(e.source != "keyword:fi" for c in english.codes for e in c.rationale)


def test_hand_written_phrase_files_are_left_out_of_scoring_by_default(
    classifier: Classifier,
) -> None:
    # no real-text set shows the 14 own-language keyword files help (models/README.md)
    assert classifier.prototype_languages() == []
    assert not any(p.kind.startswith("keyword:") for p in classifier.models["nace"].prototypes)


def test_conflicting_taxonomies_block_auto_acceptance() -> None:
    from models.classifier.consistency import crosswalk_conflicts

    # NACE division 10 maps to agri-food only; a text whose ecosystem came out as "digital"
    # is inconsistent, one whose ecosystem is agri-food is not
    probabilities = {
        "nace": np.array([[0.9, 0.1], [0.9, 0.1]]),
        "ecosystem": np.array([[0.8, 0.2], [0.2, 0.8]]),
    }
    crosswalks = {"ecosystem": np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)}
    codes = {"nace": ["10", "62"], "ecosystem": ["agri-food", "digital"]}
    notes = crosswalk_conflicts(probabilities, crosswalks, codes)
    assert notes == [[], ["ecosystem digital does not fit NACE 10"]]
    confident = ScoredCode("10", 0.99, 1.0, 1)
    base = {"taxonomy": "nace", "codes": [confident], "abstained": False, "model_id": "m",
            "taxonomy_version": "2"}  # fmt: skip
    assert gate(Prediction(**base), 0.5, 0.5)
    assert not gate(Prediction(**base, conflicts=notes[1]), 0.5, 0.5)


def test_gate_thresholds_prefer_explicit_then_fitted_then_defaults() -> None:
    fitted = TaxonomyCalibration(gate_probability=0.9, gate_margin=0.6)
    assert gate_thresholds(fitted) == GateThresholds(0.9, 0.6)
    assert gate_thresholds(fitted, 0.5) == GateThresholds(0.5, 0.6)
    assert gate_thresholds(fitted, None, 0.1) == GateThresholds(0.9, 0.1)
    assert gate_thresholds(TaxonomyCalibration()) == GateThresholds()
    assert gate_thresholds(None, 0.3, 0.2) == GateThresholds(0.3, 0.2)


def test_each_taxonomy_is_gated_by_its_own_fitted_thresholds(classifier: Classifier) -> None:
    from dataclasses import replace

    prediction = classifier.classify([DAIRY])[0]
    nace, nabs = prediction["nace"], prediction["nabs"]
    shipped = classifier.calibration
    # a gate nothing can pass for NACE, one everything passes for NABS (pairs: no model)
    strict = replace(shipped.for_taxonomy("nace"), gate_probability=1.0, gate_margin=1.0,
                     gate_model=None)  # fmt: skip
    lenient = replace(shipped.for_taxonomy("nabs"), gate_probability=0.0, gate_margin=0.0,
                      gate_model=None)  # fmt: skip
    own = classifier.with_calibration(shipped.replace({"nace": strict, "nabs": lenient}))
    assert not own.gate(nace)
    assert own.gate(nabs) is (not nabs.abstained and not nabs.conflicts)
    # settings (explicit thresholds) override both
    assert own.gate(nace, 0.0, 0.0) is (not nace.abstained and not nace.conflicts)
    assert not own.gate(nabs, 1.0, 1.0)
    # the session's classifier and its calibration are unchanged
    assert classifier.calibration is shipped and shipped.for_taxonomy("nace") != strict


def test_score_is_typed_and_combined_once(classifier: Classifier) -> None:
    from models.classifier.features import FEATURE_NAMES, combine

    queries, languages = classifier.encode_queries([DAIRY, HEALTH], ["en", "en"])
    scored = classifier.score(queries, languages, [DAIRY, HEALTH], every_feature=True)
    nace = scored["nace"]
    assert nace.features.stacked().shape == (2, len(classifier.models["nace"].codes),
                                              len(FEATURE_NAMES))  # fmt: skip
    params = classifier.calibration.for_taxonomy("nace")
    np.testing.assert_allclose(
        nace.logits, combine(nace.features, params.weights, params.temperature), rtol=1e-5
    )
    np.testing.assert_allclose(nace.probability.sum(axis=1), 1.0, rtol=1e-5)
    # NABS reads the NACE prediction through the crosswalk
    assert scored["nabs"].features.crosswalk.max() > 0
