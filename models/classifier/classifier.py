"""Classifier of priority texts into NACE divisions, NABS chapters and industrial ecosystems.

For each taxonomy the features of every code (prototype similarity, spelling, kNN votes of
validated examples, the NACE prediction mapped through the crosswalks, a linear head fitted on
labelled phrases) are built in ``score`` and combined once, with the weights and temperature
fitted in the calibration (``features.combine``). Texts are encoded once per call; the rest is
matrix products over chunks.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from models.classifier.calibration import Calibration, calibration_slug, shipped_calibration
from models.classifier.consistency import crosswalk_conflicts
from models.classifier.derived import DerivedMatchers, DerivedVectors
from models.classifier.features import Features, capped_softmax, combine
from models.classifier.gate import calibrated_gate
from models.classifier.head import LinearHead, shipped_heads
from models.classifier.inputs import check_taxonomies, prepare_texts
from models.classifier.languages import detect_languages
from models.classifier.ngrams import NgramVectors, PrototypeGrams, similarities
from models.classifier.params import ClassifierParams
from models.classifier.prototypes import Prototype, PrototypeOptions, build_prototypes
from models.classifier.results import Prediction
from models.classifier.score import TaxonomyScore
from models.classifier.scoring import code_scores
from models.classifier.taxonomy_model import (
    TARGET_LEVELS,
    TaxonomyModel,
    build_taxonomy_model,
    crosswalk_matrices,
)
from models.classifier.verdicts import PredictionContext, predictions, unclassifiable
from models.embedders import Embedder
from observatory.errors import InvalidInput, NotFound
from taxonomies import Taxonomy

TAXONOMY_ORDER = ("nace", "nabs", "ecosystem")  # NACE first: the others read its prediction
CHUNK = 512
# how much more likely a reviewed near-duplicate's code is made than any other code, and how
# near counts: the same text up to spacing or case (e5's cosines of merely related texts reach
# 0.9, so the example-as-prototype threshold of 0.9 is too loose to overrule the weights)
REVIEWED_ODDS = 20.0
REVIEWED_SIMILARITY = 0.98
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
Scores = dict[str, TaxonomyScore]


class Classifier:
    """Classify texts into the three taxonomies with calibrated probabilities."""

    def __init__(
        self,
        embedder: Embedder,
        taxonomies: Mapping[str, Taxonomy] | None = None,
        *,
        calibration: Calibration | None = None,
        params: ClassifierParams | None = None,
        max_text_chars: int = 20000,
        overlay_dir: Path | None = None,
        heads: Mapping[str, LinearHead] | None = None,
        hidden_codes: frozenset[str] = frozenset(),
        derived_dir: Path | None = None,
    ) -> None:
        self.embedder = embedder
        slug = calibration_slug(embedder.model_id)
        self._derived = DerivedVectors(derived_dir, embedder.model_id, slug, embedder.dimension)
        self._matchers = DerivedMatchers(derived_dir)
        self.params = params or ClassifierParams()
        self.calibration = calibration or shipped_calibration(embedder.model_id)
        self.max_text_chars = max_text_chars
        self.heads = dict(
            heads
            if heads is not None
            else shipped_heads(embedder.model_id, embedder.dimension, slug)
        )
        if taxonomies is None:
            from taxonomies import load

            # imported official files (group/class titles, notes, translations) add prototypes
            taxonomies = {name: load(name, overlay_dir=overlay_dir) for name in TAXONOMY_ORDER}
        self.taxonomies = dict(taxonomies)
        options = PrototypeOptions(
            english_keywords=self.params.english_keywords,
            language_keywords=self.params.language_keywords,
            hidden=hidden_codes,
        )
        all_prototypes = {
            name: build_prototypes(taxonomy, TARGET_LEVELS[name], options)
            for name, taxonomy in self.taxonomies.items()
        }
        # Phrases in other languages are embedded the first time a text in that language
        # arrives, so English-only use never pays for every language.
        self._deferred: dict[str, dict[str, list[Prototype]]] = {}
        loaded: dict[str, list[Prototype]] = {}
        for name, protos in all_prototypes.items():
            loaded[name] = [p for p in protos if not p.language]
            for proto in protos:
                if proto.language:
                    self._deferred.setdefault(proto.language, {}).setdefault(name, []).append(proto)
        # fixed at construction (prepare_languages only moves deferred phrases in): read on
        # every classification to decide whether the text's language matters
        self._prototype_languages = tuple(sorted(self._deferred))
        self._language_lock = threading.Lock()
        corpus = [p.text for protos in loaded.values() for p in protos]
        embedder.fit(corpus)
        vectors = self.derived_vectors(corpus)
        self._matcher = self._matchers.get(
            [p.text for protos in all_prototypes.values() for p in protos]
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

    # ----- vectors -----
    def stored_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """The stored side of every comparison: prototypes and examples."""
        return self.embedder.encode(list(texts), kind="symmetric")

    def derived_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Stored-side vectors of fixed texts (prototypes, starter examples): read from the
        shipped or derived store, else encoded (and then stored in the data dir's)."""
        return self._derived.get(list(texts), self.stored_vectors)

    def encode_queries(
        self, texts: list[str], languages: Sequence[str | None] | None = None
    ) -> tuple[np.ndarray, list[str]]:
        """Query vectors of prepared texts and the language each is taken to be in.

        The embedder weighs itself per language (an ensemble leans on the member that reads
        the text's language); a text with no language given is detected, unless nothing reads
        its language (a single model, no prototypes written in one language): loading the
        language identifier cost a cold start about a second.
        """
        if languages is None and not self._languages_matter():
            langs = [""] * len(texts)
        else:
            langs = [
                (lang or "en")
                for lang in (languages if languages is not None else detect_languages(texts))
            ]
        return self.embedder.encode(texts, kind="symmetric", languages=langs), langs

    def _languages_matter(self) -> bool:
        return self.embedder.weighs_languages or bool(self._prototype_languages)

    # ----- set-up -----
    def prototype_languages(self) -> list[str]:
        """Languages with their own prototype phrases (loaded or still deferred)."""
        return list(self._prototype_languages)

    def _with_spelling(self, model: TaxonomyModel) -> TaxonomyModel:
        model.lexical = PrototypeGrams.of(self._matcher.vectors([p.text for p in model.prototypes]))
        return model

    def prepare_languages(self, languages: Sequence[str]) -> None:
        """Embed the deferred prototypes of ``languages`` and add them to the models.

        Done lazily on the first text in a language; a server may call it at start-up. Each
        language is its own derived batch, so its vectors are found on disk whichever
        languages arrive together.
        """
        for lang in dict.fromkeys(languages):
            if lang in self._deferred:
                with self._language_lock:
                    self._prepare_language(lang)

    def _prepare_language(self, lang: str) -> None:
        batch = self._deferred.get(lang)
        if batch is None:  # another thread prepared it while this one waited
            return
        added = {name: batch.get(name, []) for name in self.models}
        vectors = self.derived_vectors([p.text for protos in added.values() for p in protos])
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
        del self._deferred[lang]

    @property
    def derived(self) -> DerivedVectors:
        """The derived-vector store (shipped, then the data dir's); read by ``prepare``."""
        return self._derived

    @property
    def derived_matchers(self) -> DerivedMatchers:
        """The n-gram matcher store (shipped, then the data dir's); read by ``prepare``."""
        return self._matchers

    # ----- examples -----
    def normalise_codes(
        self, taxonomy: str, codes: Sequence[str], rolled: dict[str, str] | None = None
    ) -> list[str]:
        """Codes rolled up to the predicted level ('10.11' -> '10'); unknown codes raise.

        ``rolled`` remembers codes already rolled up, for callers normalising many lists."""
        model = self.models[check_taxonomies([taxonomy], self.models)[0]]
        rolled = {} if rolled is None else rolled
        out = []
        for code in codes:
            key = str(code)
            if key not in rolled:
                try:
                    rolled[key] = model.taxonomy.roll_up(key, model.level)
                except Exception as exc:
                    raise NotFound(f"unknown {taxonomy} code {code!r}") from exc
            if rolled[key] not in out:
                out.append(rolled[key])
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

        Vectors must be the stored side (``stored_vectors``); ``texts`` (one per vector) is
        what the evidence quotes."""
        model = self.models[check_taxonomies([taxonomy], self.models)[0]]
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
            vectors = self.stored_vectors(quoted)
        if len(codes) != len(vectors) or len(quoted) != len(vectors):
            raise InvalidInput(
                f"{len(codes)} code lists and {len(quoted)} texts for {len(vectors)} examples"
            )
        rolled: dict[str, str] = {}  # each code once: the starter set repeats ~100 codes 538 times
        normalised = [
            self.normalise_codes(taxonomy, [c] if isinstance(c, str) else c, rolled) for c in codes
        ]
        return model.examples.add(vectors, normalised, quoted, ids)

    def remove_examples(self, ids: Sequence[int], taxonomy: str | None = None) -> int:
        """Forget examples by id (in one taxonomy or all); returns how many were removed."""
        names = [taxonomy] if taxonomy else list(self.models)
        return sum(
            self.models[n].examples.remove(ids) for n in check_taxonomies(names, self.models)
        )

    def with_calibration(self, calibration: Calibration) -> Classifier:
        """The same classifier (models and examples shared) under another calibration."""
        clone = copy.copy(self)
        clone.calibration = calibration
        return clone

    def fork(self) -> Classifier:
        """An independent copy: its own example memories and deferred languages (prototype
        vectors are shared, read-only), so examples added to it leave this one unchanged."""
        clone = copy.copy(self)
        clone.models = {
            name: dataclasses.replace(model, examples=model.examples.copy())
            for name, model in self.models.items()
        }
        clone._deferred = {lang: dict(by_name) for lang, by_name in self._deferred.items()}
        clone._language_lock = threading.Lock()
        return clone

    # ----- classification -----
    def gate(
        self,
        prediction: Prediction,
        min_probability: float | None = None,
        min_margin: float | None = None,
        *,
        rank: int = 1,
    ) -> bool:
        """Whether the code at ``rank`` of ``prediction`` may be accepted without review:
        explicit thresholds, else the taxonomy's fitted confidence model, else its fitted pair
        (``gate.calibrated_gate``)."""
        fitted = self.calibration.for_taxonomy(prediction.taxonomy)
        return calibrated_gate(prediction, fitted, min_probability, min_margin, rank=rank)

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
        wanted = check_taxonomies(
            list(self.models) if taxonomies is None else list(taxonomies), self.models
        )
        prepared, warnings = prepare_texts(texts, self.max_text_chars)
        if not prepared:
            return []
        queries, langs = self.encode_queries(prepared, languages)
        words = [len(_WORD.findall(t)) for t in prepared]
        short = [count < self.params.min_words for count in words]
        results: list[dict[str, Prediction]] = [{} for _ in prepared]
        codes = {n: m.codes for n, m in self.models.items()}
        for start in range(0, len(prepared), CHUNK):
            chunk = slice(start, start + CHUNK)
            scored = self.score(queries[chunk], langs[chunk], prepared[chunk])
            vague = unclassifiable(self.calibration, scored, short[chunk])
            probabilities = {name: found.probability for name, found in scored.items()}
            conflicts = crosswalk_conflicts(probabilities, self._crosswalks, codes)
            context = PredictionContext(
                self.embedder.model_id, top_k, self.params.knn_min_similarity
            )
            for name in wanted:
                params = self.calibration.for_taxonomy(name)
                found = predictions(self.models[name], params, scored[name], context,
                                    vague, warnings[chunk], conflicts, words[chunk])  # fmt: skip
                for row, prediction in zip(results[chunk], found, strict=True):
                    row[name] = prediction
        return results

    def score(
        self,
        queries: np.ndarray,
        languages: Sequence[str] | None = None,
        texts: Sequence[str] | None = None,
        *,
        every_feature: bool = False,
        calibration: Calibration | None = None,
    ) -> Scores:
        """The features, logits and probabilities of every taxonomy for query vectors.

        ``languages`` (one per query) hides prototypes written in other languages; without
        it only the English prototypes count. ``texts`` adds the character n-gram match, which
        is computed only where its fitted weight is not zero unless ``every_feature`` (fitting).
        ``calibration`` scores under other weights than the classifier's own (fitting).
        """
        calibration = calibration or self.calibration
        langs = list(languages) if languages is not None else ["en"] * len(queries)
        self.prepare_languages(langs)
        grams = None
        out: Scores = {}
        for name in [n for n in TAXONOMY_ORDER if n in self.models]:
            model = self.models[name]
            params = calibration.for_taxonomy(name)
            sims = queries @ model.vectors.T
            sims[:, -1] = -np.inf
            model.hide_foreign(sims, langs)
            proto, best_column, proto_max = code_scores(sims, model.pad, self.params.support_weight)
            # one snapshot for the votes and their evidence: a concurrent add/remove of
            # examples must not shift the neighbour rows explain.scored_code reads
            examples = model.examples.snapshot()
            votes, example_best, neighbours, neighbour_sims = examples.votes(
                queries,
                self.params.knn_k,
                self.params.knn_min_similarity,
                self.params.example_prototype_similarity,
            )
            zeros = np.zeros_like(proto)
            lexical = zeros
            if texts is not None and (every_feature or params.weights.lexical > 0):
                grams = grams if grams is not None else self._matcher.vectors(texts)
                lexical = self._spelling(model, grams, langs)
            crosswalk = zeros
            if name in self._crosswalks and "nace" in out:
                crosswalk = out["nace"].probability @ self._crosswalks[name]
            head = zeros
            if name in self.heads:
                head = self.heads[name].log_probabilities(queries, model.codes)
            features = Features(np.maximum(proto, example_best), lexical, votes, crosswalk, head)
            logits = combine(features, params.weights, params.temperature)
            # a reviewed near-duplicate of the text decides it: its codes get at least
            # REVIEWED_ODDS times the odds of the best other code, whatever the fitted weights
            near = example_best >= REVIEWED_SIMILARITY
            if near.any():
                lifted = logits.max(axis=1, keepdims=True) + np.log(REVIEWED_ODDS)
                logits = np.where(near, np.maximum(logits, lifted), logits)
            out[name] = TaxonomyScore(
                features=features,
                logits=logits,
                probability=capped_softmax(logits),
                best_similarity=proto.max(axis=1),
                evidence_row=model.pad[np.arange(len(model.codes))[None, :], best_column],
                evidence_similarity=proto_max,
                neighbours=neighbours,
                neighbour_similarity=neighbour_sims,
                examples=examples,
            )
        return out

    def _spelling(self, model: TaxonomyModel, grams: NgramVectors, langs: list[str]) -> np.ndarray:
        spelled = np.full((len(langs), len(model.vectors)), -np.inf, np.float32)
        spelled[:, :-1] = similarities(grams, model.lexical)
        model.hide_foreign(spelled, langs)
        return code_scores(spelled, model.pad, self.params.support_weight)[0]
