"""GOLD.csv evaluation: metrics from real predictions, the CLI command and bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from cli import build_cli
from models.classifier import Calibration, Classifier, TaxonomyCalibration, gate
from models.classifier.calibration import fit_weights
from models.classifier.features import FEATURE_NAMES, ScoreWeights, log_softmax
from observatory.errors import ConfigurationError, UnprocessableFile
from pipelines.classify.calibrate import choose_gate
from pipelines.classify.evaluation import evaluate_classification, read_gold

ROWS = [
    {"id": "a", "language": "en", "text": "Dairy and cheese processing", "nace": "10.51",
     "nabs": "08", "ecosystem": "agri-food"},
    {"id": "b", "language": "en", "text": "Hospitals, e-health and telemedicine", "nace": "86",
     "nabs": "07", "ecosystem": "health"},
    {"id": "c", "language": "fr", "text": "Énergies marines renouvelables et éolien en mer",
     "nace": "35", "nabs": "05", "ecosystem": "renewable-energy"},
    {"id": "d", "language": "en", "text": "Aircraft parts and satellite components",
     "nace": "30;33", "nabs": "", "ecosystem": "aerospace-defence"},
]  # fmt: skip


def write_gold(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_metrics_match_the_predictions(classifier: Classifier, tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold.csv", ROWS)
    report = evaluate_classification(gold, classifier, min_probability=0.5, min_margin=0.1)
    predictions = classifier.classify([r["text"] for r in ROWS])
    for name in ("nace", "nabs", "ecosystem"):
        labelled = [(r, p) for r, p in zip(ROWS, predictions, strict=True) if r[name]]
        golds = [set(classifier.normalise_codes(name, r[name].split(";"))) for r, _ in labelled]
        tops = [[c.code for c in p[name].codes] for _, p in labelled]
        top1 = np.mean([t[0] in g for t, g in zip(tops, golds, strict=True)])
        top3 = np.mean([bool(set(t[:3]) & g) for t, g in zip(tops, golds, strict=True)])
        assert report[name]["n"] == len(labelled)
        assert report[name]["top1"] == pytest.approx(top1, abs=1e-4)
        assert report[name]["top3"] == pytest.approx(top3, abs=1e-4)
        assert 0.0 <= report[name]["auto_coverage"] <= 1.0
        assert set(report[name]["by_language"]) == {r["language"] for r, _ in labelled}
    assert report["nabs"]["n"] == 3  # the row without a NABS code is skipped
    assert 0.0 <= report["nace"]["section_top1"] <= 1.0
    assert report["embedder"] == "all-MiniLM-L6-v2" and report["seconds"] > 0


@pytest.mark.parametrize(
    ("rows", "columns", "message"),
    [
        (ROWS, ["id", "nace"], "missing column 'text'"),
        (ROWS, ["id", "text", "comment"], "no taxonomy column"),
        ([{**ROWS[0]}, {**ROWS[1], "nace": "86;ZZ"}], None, ":3: invalid nace code"),
        ([{**ROWS[0]}, {**ROWS[1], "ecosystem": "space-mining"}], None, ":3: invalid ecosystem"),
        ([{**ROWS[0]}, {**ROWS[1], "text": "  "}], None, ":3: empty text"),
    ],
)
def test_bad_gold_files_name_the_problem(
    classifier: Classifier, tmp_path: Path, rows: list, columns: list | None, message: str
) -> None:
    gold = write_gold(tmp_path / "bad.csv", rows, columns)
    with pytest.raises(UnprocessableFile, match=message):
        read_gold(gold, classifier)


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    # a shared data dir: the prototype embeddings are cached after the first command
    data = tmp_path_factory.mktemp("observatory-data")
    return {"OBSERVATORY_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}


def test_evaluate_command_prints_the_report(tmp_path: Path, cli_env: dict[str, str]) -> None:
    gold = write_gold(tmp_path / "gold.csv", ROWS)
    result = CliRunner().invoke(
        build_cli(), ["evaluate", "classification", str(gold), "--json"], env=cli_env
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"nace", "nabs", "ecosystem", "embedder", "seconds"} <= set(report)
    assert set(report["nace"]) >= {"n", "top1", "top3", "section_top1", "auto_coverage"}


def test_cli_errors_exit_non_zero(tmp_path: Path, cli_env: dict[str, str]) -> None:
    from cli import main

    gold = write_gold(tmp_path / "gold.csv", ROWS, ["id", "nace"])
    for argv in (
        ["evaluate", "classification", str(gold)],
        ["evaluate", "classification", str(tmp_path / "missing.csv")],
        ["classify-text", "   "],
        ["classify-text", "wind energy", "--taxonomy", "isco"],
    ):
        with pytest.MonkeyPatch.context() as patch:
            for key, value in cli_env.items():
                patch.setenv(key, value)
            with pytest.raises(SystemExit) as exited:
                main(argv)
        assert exited.value.code != 0, argv


def test_classify_text_command(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        build_cli(),
        ["classify-text", "Manufacture of dairy products", "--taxonomy", "nace", "--json"],
        env=cli_env,
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert list(payload) == ["nace"]
    assert payload["nace"]["codes"][0]["code"] == "10"
    assert "auto_accept" in payload["nace"]


def test_weight_fit_recovers_the_true_weights_and_temperature() -> None:
    rng = np.random.default_rng(3)
    stacked = rng.normal(0.4, 0.1, size=(4000, 12, len(FEATURE_NAMES)))
    stacked[:, :, FEATURE_NAMES.index("head")] = 0.0  # an absent feature gets no weight
    true = np.array([0.6, 0.3, 0.1, 0.0, 0.0])
    probabilities = np.exp(log_softmax(stacked @ true / 0.05))
    labels = np.array([rng.choice(12, p=p) for p in probabilities])
    gold = np.zeros(stacked.shape[:2], dtype=bool)
    gold[np.arange(len(labels)), labels] = True
    weights, temperature = fit_weights(stacked, gold)
    assert temperature == pytest.approx(0.05, rel=0.2)
    np.testing.assert_allclose(weights.as_array()[:3], true[:3], atol=0.08)
    assert weights.head == 0.0


def test_calibration_round_trip_and_refusal(tmp_path: Path) -> None:
    nace = TaxonomyCalibration(temperature=0.042, weights=ScoreWeights(0.5, 0.1, 0.2, 0.0, 0.2))
    calibration = Calibration("model-a").replace({"nace": nace})
    assert Calibration("model-a").for_taxonomy("nace") == TaxonomyCalibration()  # pure lookup
    calibration.save(tmp_path, dimension=384, taxonomy_versions={"nace": "2"})
    loaded = Calibration.load(tmp_path, model_id="model-a")
    assert loaded.for_taxonomy("nace") == nace
    config = json.loads((tmp_path / "config.json").read_text())
    assert config["dimension"] == 384 and config["package_version"] and config["built"]
    with pytest.raises(ConfigurationError, match="model-a"):
        Calibration.load(tmp_path, model_id="model-b")


def test_chosen_gate_keeps_every_set_precise(classifier: Classifier, tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold.csv", ROWS)
    rows, _ = read_gold(gold, classifier)
    sets = {"first": rows[:2], "second": rows[2:]}
    calibration, chosen = choose_gate(classifier, sets, target=0.5)
    assert calibration is not classifier.calibration  # a new object; the old one is unchanged
    own = classifier.with_calibration(calibration)
    for set_name, set_rows in sets.items():
        predictions = classifier.classify([r.text for r in set_rows])
        for name, candidate in chosen.items():
            pairs = [
                (p[name], p[name].codes[0].code in r.codes[name])
                for r, p in zip(set_rows, predictions, strict=True)
                if r.codes.get(name)
            ]
            if not pairs:
                continue
            accepted = [ok for p, ok in pairs if gate(p, candidate.probability, candidate.margin)]
            coverage, precision = candidate.per_set[set_name]
            assert coverage == pytest.approx(len(accepted) / len(pairs), abs=1e-4)
            if accepted:
                assert precision == pytest.approx(np.mean(accepted)) and precision >= 0.5
            params = calibration.for_taxonomy(name)
            assert params.gate_probability == candidate.probability
            assert own.gate(predictions[0][name]) == gate(
                predictions[0][name], candidate.probability, candidate.margin
            )
