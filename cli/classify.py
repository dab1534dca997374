"""CLI commands: ``classify-text``, ``calibrate`` and ``evaluate classification``."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import typer

from cli.common import CommandLine, opened_store, print_json, settings
from observatory.user_cache import user_cache_dir

EMBEDDER_HELP = "Embedder backend: sentence-transformers, use, ensemble or lexical (baseline)."


def text_settings() -> Any:
    """Settings for classifying a text outside any project: the configured data dir, or the
    default one when it already exists here; otherwise the user's cache dir, so that running
    ``classify-text`` in any folder does not leave an ``observatory-data`` folder behind."""
    current = settings()
    if "data_dir" in current.model_fields_set or current.data_dir.exists():
        return current
    return current.model_copy(update={"data_dir": user_cache_dir()})


def build_classifier(backend: str | None = None, current: Any = None) -> Any:
    """The configured classifier (embedder from settings unless ``backend`` overrides it),
    calibrated from reviews when ``observatory calibrate`` has been run."""
    from pipelines.classify.factory import classifier_from_settings

    return classifier_from_settings(current or settings(), backend=backend)


def _print_prediction(name: str, prediction: Any) -> None:
    flag = "  (not classifiable)" if prediction.abstained else ""
    typer.echo(f"{name} [{prediction.level}]{flag}")
    for scored in prediction.codes:
        typer.echo(f"  {scored.rank}. {scored.code:<26} {scored.probability:6.3f}  {scored.title}")
    for parent in prediction.rolled_up[:1]:
        typer.echo(f"  -> {parent.code} {parent.title} ({parent.probability:.3f})")
    for warning in prediction.warnings:
        typer.echo(f"  warning: {warning}")


def calibrate(
    min_priorities: int = typer.Option(
        30, "--min-priorities", min=1, help="Refuse with fewer reviewed priorities."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Fit and report; write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Refit the classifier's calibration from reviewed labels (used from the next run)."""
    from pipelines.classify.user_calibration import calibrate_from_reviews

    current = settings()
    with opened_store(current) as store:
        report = calibrate_from_reviews(
            store, current, min_priorities=min_priorities, dry_run=dry_run
        )
    if as_json:
        print_json(report)
        return
    typer.echo(f"fitted on {report['priorities']} reviewed priorities ({report['model_id']})")
    for name, figures in report["fitted"].items():
        rows = report["rows_per_taxonomy"].get(name, 0)
        typer.echo(f"  {name:<10} {rows:>5} rows  temperature {figures['temperature']:.4f}")
    for name, chosen in report["gate"].items():
        typer.echo(
            f"  gate {name:<10} probability >= {chosen['min_probability']}, margin >= "
            f"{chosen['min_margin']}: accepts {chosen['coverage']:.0%} at precision "
            f"{chosen['precision']:.3f} on these reviews"
        )
    if not report["gate"]:
        typer.echo("no gate threshold reaches the target precision on these reviews")
    typer.echo(
        f"written to {report['calibration']}; the next classify run uses it"
        if report["calibration"]
        else "dry run: nothing written"
    )


def classify_text(
    text: str = typer.Argument(..., help="The priority text to classify."),
    taxonomy: list[str] = typer.Option(
        [], "--taxonomy", "-t", help="nace, nabs or ecosystem (repeatable; default all)."
    ),
    top_k: int = typer.Option(5, "--top-k", min=1, max=50, help="Codes per taxonomy."),
    embedder: str | None = typer.Option(None, "--embedder", help=EMBEDDER_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Classify one text into NACE divisions, NABS chapters and industrial ecosystems."""
    from models.classifier import TAXONOMY_ORDER

    current = text_settings()
    classifier = build_classifier(embedder, current)
    names = [t.strip().lower() for t in taxonomy] or list(TAXONOMY_ORDER)
    names = ["ecosystem" if n == "ecosystems" else n for n in names]
    result = classifier.classify([text], taxonomies=names, top_k=top_k)[0]
    accepted = {
        name: classifier.gate(p, current.auto_accept_probability, current.auto_accept_margin)
        for name, p in result.items()
    }
    if as_json:
        print_json(
            {name: {**p.to_dict(), "auto_accept": accepted[name]} for name, p in result.items()}
        )
        return
    for name, prediction in result.items():
        _print_prediction(name, prediction)
        typer.echo(f"  auto-accept: {'yes' if accepted[name] else 'no (review)'}")


def evaluate_classification(
    gold: Path = typer.Argument(..., help="GOLD.csv: text plus nace/nabs/ecosystem codes."),
    embedder: str | None = typer.Option(None, "--embedder", help=EMBEDDER_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print only the JSON report."),
) -> None:
    """Score the classifier on a labelled CSV: top-1/top-3 and the review gate."""
    from observatory.errors import UnprocessableFile
    from pipelines.classify.evaluation import evaluate_classification as run

    if not gold.is_file():
        raise UnprocessableFile(str(gold), "no such file")
    current = settings()
    classifier = build_classifier(embedder)
    # The model and the classifier live as long as the process: their objects are left out of
    # the cyclic collector's passes, which walked all of torch's at every full collection the
    # predictions' objects triggered (MiniLM, 3,000 texts: predictions 0.26 s instead of 0.5 s)
    gc.freeze()
    report = run(
        gold,
        classifier,
        min_probability=current.auto_accept_probability,
        min_margin=current.auto_accept_margin,
    )
    if not as_json:
        for name in ("nace", "nabs", "ecosystem"):
            if name in report:
                figures = {k: v for k, v in report[name].items() if k != "by_language"}
                typer.echo(f"{name}: {figures}", err=True)
    print_json(report)


def register(cli: CommandLine) -> None:
    """Add ``classify-text``, ``calibrate`` and ``evaluate classification``."""
    cli.root.command("calibrate")(calibrate)
    cli.root.command("classify-text")(classify_text)
    evaluate = cli.group("evaluate", "Evaluate extraction and classification against ground truth.")
    evaluate.command("classification")(evaluate_classification)
