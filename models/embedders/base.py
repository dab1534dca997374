"""The ``Embedder`` abstraction: texts in, float32 L2-normalised vectors out."""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Literal, get_args

import numpy as np

log = logging.getLogger(__name__)

# Measured on the 2-core CPU machine: MiniLM peaks at batch 16 (~300 texts/s) and slows down
# with larger batches (padding to the longest text costs more than batching saves).
CPU_BATCH_SIZE = 16
# Not measured here (no GPU on the team's machine): a batch that fills a small GPU with MiniLM's
# 128-token inputs; benchmarks/bench_device.py --batch-sizes measures it on the GPU at hand.
GPU_BATCH_SIZE = 256


#: What a text is to the model. Asymmetric retrieval models (e5) mark their input: a search query
#: ("query"), a document searched ("passage"), or a text compared with texts of its own kind
#: ("symmetric": classification, clustering, partner matching), for which each backend names
#: the side it uses (``Embedder.symmetric_kind``). Models without marks ignore it.
TextKind = Literal["query", "passage", "symmetric"]
TEXT_KINDS: tuple[str, ...] = get_args(TextKind)
NO_PREFIXES: Mapping[str, str] = MappingProxyType({})


DEVICE_PATTERN = re.compile(r"auto|cpu|cuda(:\d+)?")


def cuda_device_count() -> int:
    """How many CUDA devices torch sees (0 without torch or without a GPU)."""
    try:
        import torch
    except ImportError:
        return 0
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def check_device_setting(setting: str) -> None:
    """Refuse a device setting that is none of auto, cpu, cuda, cuda:N (without asking torch:
    a CPU-only engine need not import it)."""
    from observatory.errors import ConfigurationError

    if not DEVICE_PATTERN.fullmatch(setting):
        raise ConfigurationError(f"unknown device {setting!r}; use auto, cpu, cuda or cuda:N")


def choose_device(setting: str = "auto", *, cuda_devices: int | None = None) -> str:
    """Resolve the device setting: 'auto' picks CUDA when torch sees a GPU, else CPU; 'cuda' or
    'cuda:N' must name a GPU torch sees (one clear error instead of torch's deep in a request).

    ``cuda_devices`` replaces the count torch reports (tests of this logic on a CPU machine)."""
    from observatory.errors import ConfigurationError

    check_device_setting(setting)
    if setting == "cpu":
        return "cpu"
    seen = cuda_device_count() if cuda_devices is None else cuda_devices
    if setting == "auto":
        return "cuda" if seen else "cpu"
    index = int(setting.partition(":")[2] or 0)
    if index >= seen:
        raise ConfigurationError(
            f"OBSERVATORY_DEVICE={setting} but torch sees {seen} CUDA device(s); "
            "use auto or cpu, or install a CUDA build of torch"
        )
    return setting


def default_batch_size(device: str, *, cpu: int = CPU_BATCH_SIZE, gpu: int = GPU_BATCH_SIZE) -> int:
    """A batch size suited to the device; each backend passes its own CPU and GPU figures."""
    return gpu if device.startswith("cuda") else cpu


def resolve_batch_size(
    device: str, setting: int | None, *, cpu: int = CPU_BATCH_SIZE, gpu: int = GPU_BATCH_SIZE
) -> int:
    """``OBSERVATORY_BATCH_SIZE`` when set, else the backend's batch size for ``device``."""
    if setting is not None:
        if setting < 1:
            from observatory.errors import ConfigurationError

            raise ConfigurationError(f"batch size must be at least 1; got {setting}")
        return setting
    return default_batch_size(device, cpu=cpu, gpu=gpu)


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Return float32 rows of unit length (zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


class Embedder(ABC):
    """A sentence embedder.

    Subclasses set ``model_id`` and ``dimension`` and implement ``_encode``; ``encode`` handles
    kinds, batching, empty input and normalisation so every backend returns the same contract.

    The contract callers rely on (search, the classifier, matching):

    - ``encode(texts, kind=...)`` without ``languages`` gives unit rows: the stored side of any
      comparison (indexed priorities, prototypes, examples).
    - ``encode(texts, kind=..., languages=[...])`` gives the scoring side for texts in those
      languages (one ISO 639-1 code or None per text). A single model reads every language the
      same way and returns the same unit rows; a weighted ensemble leans per text on the member
      that reads its language, so ``scored @ stored.T`` is the language-weighted cosine. Pass
      ``languages`` on one side of a product only.
    - Search encodes priorities with ``kind="passage"`` and queries with ``kind="query"``; a
      symmetric task encodes both sides with ``kind="symmetric"``.
    """

    model_id: str
    dimension: int
    #: ISO 639-1 codes the model was trained for; ``None`` means "many" (multilingual).
    languages: tuple[str, ...] | None = None
    device: str = "cpu"
    batch_size: int = CPU_BATCH_SIZE
    #: What the model reads before each text of a kind (e5: "query: ", "passage: "); empty for
    #: models that do not mark their input. The embedding cache keys by prefix + text.
    prefixes: Mapping[str, str] = NO_PREFIXES
    #: The side ``kind="symmetric"`` takes (e5's model card: "query: " for symmetric tasks).
    symmetric_kind: str = "query"
    #: Whether ``languages`` changes the scored rows (only the ensemble weighs its members per
    #: language); callers skip language detection when nothing reads the result.
    weighs_languages: bool = False

    def encode(
        self,
        texts: Sequence[str],
        *,
        kind: TextKind = "passage",
        languages: Sequence[str | None] | None = None,
        batch_size: int | None = None,
        show_progress: bool = False,
    ) -> np.ndarray:
        """Embed ``texts`` into an ``(n, dimension)`` float32 array (see the class contract)."""
        items = text_list(texts)
        side = self.side(kind)
        check_languages(languages, len(items))
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._encode(
            items, kind=side, batch_size=batch_size or self.batch_size, show_progress=show_progress
        )
        return l2_normalise(vectors)

    def side(self, kind: str) -> str:
        """'query' or 'passage': the side a ``kind`` is encoded as by this model."""
        if kind not in TEXT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(TEXT_KINDS)}; got {kind!r}")
        return self.symmetric_kind if kind == "symmetric" else kind

    def prefix(self, kind: str) -> str:
        """What the model reads before a text of ``kind`` ('' when it marks nothing)."""
        return self.prefixes.get(self.side(kind), "")

    @abstractmethod
    def _encode(
        self, texts: list[str], *, kind: str, batch_size: int, show_progress: bool
    ) -> np.ndarray:
        """Embed a non-empty list of texts as ``kind`` ('query' or 'passage'; rows need not be
        normalised). Backends with ``prefixes`` mark the texts themselves."""

    def fit(self, corpus: Sequence[str]) -> None:
        """Adapt to a corpus before use; neural embedders need nothing (lexical ones do)."""
        return None

    def describe(self) -> dict[str, object]:
        """Identity written into saved artefacts' config.json."""
        return {"model_id": self.model_id, "dimension": self.dimension, "device": self.device}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model_id={self.model_id!r}, dimension={self.dimension})"


def check_languages(languages: Sequence[str | None] | None, count: int) -> None:
    """``languages`` must name one language (or None) per text."""
    if languages is None:
        return
    if isinstance(languages, str):
        raise TypeError("languages takes one code per text, not one string")
    if len(languages) != count:
        raise ValueError(f"{len(languages)} languages for {count} texts")


def text_list(texts: Sequence[str]) -> list[str]:
    """``encode``'s argument as a list; one bare string is a mistake, not a sequence of letters."""
    if isinstance(texts, str):
        raise TypeError("encode() takes a sequence of texts, not one string")
    return list(texts)
