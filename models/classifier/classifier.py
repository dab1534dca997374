"""Zero-shot + kNN classifier of priority texts into NACE divisions, NABS chapters, ecosystems.

For each taxonomy a code's score is its best prototype similarity, plus kNN votes of validated
examples, plus (for NABS and ecosystems) the NACE prediction mapped through the crosswalks.
Calibrated temperatures turn scores into probabilities. All texts are encoded once per call;
the rest is matrix products over chunks.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from models.classifier.calibration import Calibration, log_softmax, shipped_calibration
from models.classifier.consistency import crosswalk_conflicts
from models.classifier.explain import rolled_up, scored_code
from models.classifier.gate import gate, gate_thresholds
from models.classifier.inputs import check_taxonomies, prepare_texts
from models.classifier.languages import detect_languages, language_group
from models.classifier.params import ClassifierParams
from models.classifier.prototypes import Prototype, build_prototypes
from models.classifier.results import Prediction
from models.classifier.scoring import CharacterMatcher, code_scores
from models.classifier.taxonomy_model import (
    TARGET_LEVELS,
    TaxonomyModel,
    build_taxonomy_model,
    crosswalk_matrices,
)
from models.embedders import Embedder
from observatory.errors import InvalidInput, NotFound

TAXONOMY_ORDER = ("nace", "nabs", "ecosystem")  # NACE first: the others read its prediction
CHUNK = 512
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


class Classifier:
    """Classify texts into the three taxonomies with calibrated probabilities."""

    def __init__(
        self,
        embedder: Embedder,
        taxonomies: Mapping[str, Any] | None = None,
        *,
        calibration: Calibration | None = None,
        params: ClassifierParams | None = None,
        max_text_chars: int = 20000,
        overlay_dir: Path | None = None,
    ) -> None:
        self.embedder = embedder
        self.params = params or ClassifierParams()
        self.calibration = calibration or shipped_calibration(embedder.model_id)
        self.max_text_chars = max_text_chars
        if taxonomies is None:
            from taxonomies import load

            # imported official files (group/class titles, notes, translations) add prototypes
            taxonomies = {name: load(name, overlay_dir=overlay_dir) for name in TAXONOMY_ORDER}
        self.taxonomies = dict(taxonomies)
        all_prototypes = {
            name: build_prototypes(taxonomy, TARGET_LEVELS[name])
            for name, taxonomy in self.taxonomies.items()
        }
        # Phrases in other languages (~1,000 per language) are embedded the first time a text
        # in that language arrives, so English-only use never pays for fourteen languages.
        self._deferred: dict[str, dict[str, list[Prototype]]] = {}
        loaded: dict[str, list[Prototype]] = {}
        for name, protos in all_prototypes.items():
            loaded[name] = [p for p in protos if not p.language]
            for proto in protos:
                if proto.language:
                    self._deferred.setdefault(proto.language, {}).setdefault(name, []).append(proto)
        self._language_lock = threading.Lock()
        corpus = [p.text for protos in loaded.values() for p in protos]
        embedder.fit(corpus)
        vectors = embedder.encode(corpus, kind="symmetric")
        self._matcher = CharacterMatcher(
            p.text for protos in all_prototypes.values() for p in protos
        )
        self.models: dict[str, TaxonomyModel] = {}
        start = 0
        for name, protos in loaded.items():
            self.models[name] = self._with_spelling(
                build_taxonomy_model(
                    name, self.taxonomies[name], protos, vectors[start : start + len(protos)]
                )
            )
            start += len(protos)
        self._crosswalks = crosswalk_matrices(self.models)

    # ----- set-up -----
    def prototype_languages(self) -> list[str]:
        """Languages with their own prototype phrases (loaded or still deferred)."""
        loaded = {p.language for m in self.models.values() for p in m.prototypes if p.language}
        return sorted(loaded | set(self._deferred))

    def _with_spelling(self, model: TaxonomyModel) -> TaxonomyModel:
        model.lexical = self._matcher.vectors([p.text for p in model.prototypes])
        return model

    def _lexical_weight(self, language: str) -> float:
        """Weight of the character n-gram match for a text in ``language``."""
        return self.params.lexical_weight[language_group(language, self.embedder.languages)]

    def _knn_weight(self, language: str) -> float:
        unread = language_group(language, self.embedder.languages) == "unread"
        return self.params.unread_knn_weight if unread else self.params.knn_weight

    def prepare_languages(self, languages: Sequence[str]) -> None:
        """Embed the deferred prototypes of ``languages`` and add them to the models.

        Done lazily on the first text in a language; a server may call it at start-up.
        """
        wanted = [lang for lang in dict.fromkeys(languages) if lang in self._deferred]
        if not wanted:
            return
        with self._language_lock:
            batches = {lang: self._deferred[lang] for lang in wanted if lang in self._deferred}
            if not batches:
                return
            added = {
                name: [p for by_name in batches.values() for p in by_name.get(name, [])]
                for name in self.models
            }
            corpus = [p.text for protos in added.values() for p in protos]
            vectors = self.embedder.encode(corpus, kind="symmetric")
            start = 0
            for name, protos in added.items():
                if protos:
                    model = self.models[name]
                    self.models[name] = self._with_spelling(build_taxonomy_model(
                        name, model.taxonomy, model.prototypes + protos,
                        np.vstack([model.vectors[:-1], vectors[start : start + len(protos)]]),
                        examples=model.examples,
                    ))  # fmt: skip
                start += len(protos)
            for lang in batches:
                del self._deferred[lang]

    # ----- inputs -----
    def _check_taxonomies(self, names: Sequence[str]) -> list[str]:
        return check_taxonomies(names, self.models)

    def encode_queries(
        self, texts: list[str], languages: Sequence[str | None] | None = None
    ) -> tuple[np.ndarray, list[str]]:
        """Query vectors of prepared texts and the language each is taken to be in.

        The embedder weighs its language-specific parts per text (an ensemble leans on the
        member that reads the text's language), so ``queries @ stored.T`` is comparable
        across languages.
        """
        langs = [
            (lang or "en")
            for lang in (languages if languages is not None else detect_languages(texts))
        ]
        return self.embedder.encode(texts, kind="symmetric", languages=langs), langs

    # ----- examples -----
    def normalise_codes(self, taxonomy: str, codes: Sequence[str]) -> list[str]:
        """Codes rolled up to the predicted level ('10.11' -> '10'); unknown codes raise."""
        model = self.models[self._check_taxonomies([taxonomy])[0]]
        out = []
        for code in codes:
            try:
                rolled = model.taxonomy.roll_up(str(code), model.level)
            except Exception as exc:
                raise NotFound(f"unknown {taxonomy} code {code!r}") from exc
            if rolled not in out:
                out.append(rolled)
        return out

    def add_examples(
        self,
        texts_or_vectors: Sequence[str] | np.ndarray,
        taxonomy: str,
        codes: Sequence[str | Sequence[str]],
        ids: Sequence[int] | None = None,
        *,
        texts: Sequence[str] | None = None,
    ) -> list[int]:
        """Add validated examples; the very next ``classify`` call uses them. Returns ids.

        Vectors are the stored side: ``embedder.encode(texts, kind="symmetric")`` without
        languages. With vectors, ``texts`` (one per vector) is what the evidence quotes."""
        model = self.models[self._check_taxonomies([taxonomy])[0]]
        if isinstance(texts_or_vectors, np.ndarray):
            if texts_or_vectors.ndim != 2 or texts_or_vectors.shape[1] != self.embedder.dimension:
                raise InvalidInput(
                    f"example vectors must have shape (n, {self.embedder.dimension}) "
                    f"from {self.embedder.model_id}; got {texts_or_vectors.shape}"
                )
            vectors = texts_or_vectors
            quoted = list(texts) if texts is not None else [""] * len(texts_or_vectors)
        else:
            quoted, _ = prepare_texts(texts_or_vectors, self.max_text_chars)
            vectors = self.embedder.encode(quoted, kind="symmetric")
        if len(codes) != len(vectors) or len(quoted) != len(vectors):
            raise InvalidInput(
                f"{len(codes)} code lists and {len(quoted)} texts for {len(vectors)} examples"
            )
        normalised = [
            self.normalise_codes(taxonomy, [c] if isinstance(c, str) else c) for c in codes
        ]
        return model.examples.add(vectors, normalised, quoted, ids)

    def remove_examples(self, ids: Sequence[int], taxonomy: str | None = None) -> int:
        """Forget examples by id (in one taxonomy or all); returns how many were removed."""
        names = [taxonomy] if taxonomy else list(self.models)
        return sum(self.models[n].examples.remove(ids) for n in self._check_taxonomies(names))

    # ----- classification -----
    def gate(
        self,
        prediction: Prediction,
        min_probability: float | None = None,
        min_margin: float | None = None,
    ) -> bool:
        """Whether ``prediction`` may be accepted without review: explicit thresholds, else
        the ones fitted for its taxonomy in the calibration, else the module defaults."""
        chosen = gate_thresholds(
            self.calibration.for_taxonomy(prediction.taxonomy), min_probability, min_margin
        )
        return gate(prediction, chosen.min_probability, chosen.min_margin)

    def classify(
        self,
        texts: Sequence[str],
        taxonomies: Sequence[str] | None = None,
        top_k: int = 5,
        *,
        languages: Sequence[str | None] | None = None,
    ) -> list[dict[str, Prediction]]:
        """Ranked, calibrated codes per text and taxonomy (texts are encoded once).

        ``taxonomies`` defaults to every loaded one (nace, nabs, ecosystem).
        """
        if top_k < 1:
            raise InvalidInput("top_k must be at least 1")
        wanted = self._check_taxonomies(
            list(self.models) if taxonomies is None else list(taxonomies)
        )
        prepared, warnings = prepare_texts(texts, self.max_text_chars)
        if not prepared:
            return []
        queries, langs = self.encode_queries(prepared, languages)
        short = [len(_WORD.findall(t)) < self.params.min_words for t in prepared]
        results: list[dict[str, Prediction]] = [{} for _ in prepared]
        for start in range(0, len(prepared), CHUNK):
            chunk = slice(start, start + CHUNK)
            scored = self.score(queries[chunk], langs[chunk], prepared[chunk])
            vague = self._unclassifiable(scored, short[chunk])
            conflicts = crosswalk_conflicts(
                scored, self._crosswalks, {n: m.codes for n, m in self.models.items()}
            )
            for name in wanted:
                self._predictions(name, scored[name], top_k, vague, warnings[chunk],
                                  results[chunk], conflicts)  # fmt: skip
        return results

    def score(
        self,
        queries: np.ndarray,
        languages: list[str] | None = None,
        texts: list[str] | None = None,
    ) -> dict[str, dict[str, np.ndarray]]:
        """Scores, probabilities and evidence indices of every taxonomy for query vectors.

        ``languages`` (one per query) hides prototypes written in other languages; without
        it only the English prototypes count. ``texts`` adds the character n-gram match.
        """
        langs = languages if languages is not None else ["en"] * len(queries)
        self.prepare_languages(langs)
        lexical = np.array([self._lexical_weight(lang) for lang in langs], dtype=np.float32)
        knn_weight = np.array([self._knn_weight(lang) for lang in langs], dtype=np.float32)
        # n-grams of the texts that weigh them, computed once for the three taxonomies
        spelled_rows = np.flatnonzero(lexical > 0) if texts is not None else np.array([], int)
        text_grams = (
            self._matcher.vectors([texts[row] for row in spelled_rows])
            if len(spelled_rows)
            else None
        )
        out: dict[str, dict[str, np.ndarray]] = {}
        for name in [n for n in TAXONOMY_ORDER if n in self.models]:
            model = self.models[name]
            sims = queries @ model.vectors.T
            sims[:, -1] = -np.inf
            model.hide_foreign(sims, langs)
            proto_score, best_column, proto_max = code_scores(
                sims, model.pad, self.params.support_weight
            )
            if len(spelled_rows):
                spelled = np.full((len(spelled_rows), sims.shape[1]), -np.inf, np.float32)
                spelled[:, :-1] = self._matcher.similarities(text_grams, model.lexical)
                model.hide_foreign(spelled, [langs[row] for row in spelled_rows])
                # a convex mix keeps scores on one scale whatever the language's weight
                share = (lexical[spelled_rows] / (1.0 + lexical[spelled_rows]))[:, None]
                spelling = code_scores(spelled, model.pad, self.params.support_weight)[0]
                proto_score = proto_score.copy()
                proto_score[spelled_rows] = (1.0 - share) * proto_score[spelled_rows] + (
                    share * spelling
                )
            # one snapshot for the votes and their evidence: a concurrent add/remove of
            # examples must not shift the neighbour rows explain.scored_code reads
            examples = model.examples.snapshot()
            votes, example_best, neighbours, neighbour_sims = examples.votes(
                queries,
                self.params.knn_k,
                self.params.knn_min_similarity,
                self.params.example_prototype_similarity,
            )
            combined = np.maximum(proto_score, example_best) + knn_weight[:, None] * votes
            if name in self._crosswalks and "nace" in out:
                combined = combined + self.params.crosswalk_weight.get(name, 0.0) * (
                    out["nace"]["probability"] @ self._crosswalks[name]
                )
            params = self.calibration.for_taxonomy(name)
            probability = np.exp(log_softmax(combined, params.temperature))
            out[name] = {
                "score": combined,
                "probability": probability,
                "best_similarity": proto_score.max(axis=1),
                "best_row": model.pad[np.arange(len(model.codes))[None, :], best_column],
                "proto_max": proto_max,
                "neighbours": neighbours,
                "neighbour_sims": neighbour_sims,
                "examples": examples,  # the rows "neighbours" index
            }
        return out

    def _doubt(self, name: str, scored: dict[str, np.ndarray], row: int) -> str | None:
        params = self.calibration.for_taxonomy(name)
        if scored["best_similarity"][row] < params.min_similarity:
            return f"text resembles no {name} code"
        if scored["probability"][row].max() < params.abstain_probability:
            return f"text too generic for {name}: no code is clearly more likely"
        return None

    def _unclassifiable(
        self, scored: dict[str, dict[str, np.ndarray]], short: list[bool]
    ) -> list[str | None]:
        """Text-level verdicts: too short, or vague for NACE (the most detailed taxonomy)."""
        verdicts: list[str | None] = []
        for row, too_short in enumerate(short):
            if too_short:
                verdicts.append("text too short to classify")
            elif "nace" in scored:
                verdicts.append(self._doubt("nace", scored["nace"], row))
            else:
                verdicts.append(None)
        return verdicts

    def _predictions(
        self,
        name: str,
        scored: dict[str, np.ndarray],
        top_k: int,
        vague: list[str | None],
        warnings: list[list[str]],
        results: list[dict[str, Prediction]],
        conflicts: list[list[str]],
    ) -> None:
        model = self.models[name]
        probability = scored["probability"]
        k = min(top_k, len(model.codes))
        order = np.argsort(-probability, axis=1)[:, :k]
        for row in range(len(probability)):
            notes = list(warnings[row])
            doubt = vague[row] or self._doubt(name, scored, row)
            if doubt:
                notes.append(f"not classifiable: {doubt}")
            abstained = doubt is not None
            codes = [
                scored_code(model, scored, row, int(col), rank, self.params.knn_min_similarity)
                for rank, col in enumerate(order[row], start=1)
            ]
            results[row][name] = Prediction(
                taxonomy=name,
                codes=codes,
                abstained=abstained,
                model_id=self.embedder.model_id,
                taxonomy_version=model.taxonomy.version,
                warnings=notes,
                level=model.level,
                rolled_up=rolled_up(model, probability[row]),
                conflicts=list(conflicts[row]) if conflicts else [],
            )
