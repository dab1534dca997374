"""Strategy metadata from the text: title, language, region and country (NUTS), period."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pipelines.ingest.pdf_text import DocumentText

log = logging.getLogger(__name__)

_PERIOD = re.compile(r"\b(20[0-4]\d)\s*[-–—/]\s*(20[0-4]\d|[0-4]\d)\b")
_YEAR = re.compile(r"\b(20[0-4]\d)\b")
PROGRAMMING_PERIODS = ((2007, 2013), (2014, 2020), (2021, 2027), (2028, 2034))


@dataclass
class StrategyMetadata:
    """What the document says about itself."""

    title: str
    region: str | None
    nuts_code: str | None
    country: str | None
    language: str | None
    period: str | None


_TITLE_CUE = re.compile(
    r"strateg|speciali[sz]|ris3|\bs3\b|spezialisierung|spécialisation|"
    r"especializa|specializzazione|specjalizac|specialisatie|erikoistu",
    re.I,
)


def detect_title(document: DocumentText) -> str:
    """The document's title: cover text naming a strategy, else a running header that does."""
    cover = _cover_title(document)
    if _TITLE_CUE.search(cover) and _readable(cover):
        return cover
    for text in document.running_texts[:5]:
        if _TITLE_CUE.search(text) and _readable(text):
            return text.strip(" .–-")
    return cover if _readable(cover) else ""


def _readable(text: str) -> bool:
    """Spaced-out display lettering ("S m ar t") comes out as scattered fragments."""
    words = text.split()
    return bool(words) and sum(len(w) <= 2 for w in words) <= 0.3 * len(words)


def _cover_title(document: DocumentText) -> str:
    """The largest text on the first pages (the cover or title page)."""
    first = [line for page in document.pages[:3] for line in page.lines if page.number <= 2]
    first = [line for line in first if len(line.text) > 2 and not line.text.isdigit()]
    if not first:
        return ""
    largest = max(line.size for line in first)
    title_lines = [line.text for line in first if line.size >= largest * 0.8][:6]
    title_lines = list(dict.fromkeys(title_lines))  # covers often repeat the title page
    title = " ".join(title_lines)
    if len(title) < 8:  # a logo letter is not a title: add the next size down
        sizes = sorted({round(line.size) for line in first}, reverse=True)
        if len(sizes) > 1:
            title_lines = [line.text for line in first if round(line.size) >= sizes[1]][:6]
            title = " ".join(title_lines)
    return re.sub(r"\s+", " ", title).strip()[:300]


def detect_language(text: str) -> str | None:
    """ISO 639-1 language of the text (py3langid), or None for too little text."""
    sample = text[:20000]
    if len(sample.strip()) < 50:
        return None
    import py3langid

    language, _ = py3langid.classify(sample)
    return str(language)


def detect_period(text: str) -> str | None:
    """The programming period the strategy belongs to ("2014-2020", "2021-2027")."""
    counts: Counter[tuple[int, int]] = Counter()
    for match in _PERIOD.finditer(text):
        start, end = int(match.group(1)), match.group(2)
        end_year = int(end) if len(end) == 4 else 2000 + int(end)
        if start < end_year <= start + 10:
            counts[(start, end_year)] += 1
    official = [(span, n) for span, n in counts.most_common() if span in PROGRAMMING_PERIODS]
    if official:
        start, end = official[0][0]
        return f"{start}-{end}"
    years = [int(y) for y in _YEAR.findall(text[:5000])]
    if not years:
        return None
    # a strategy is written just before (or at the start of) the period it serves
    year = Counter(years).most_common(1)[0][0]
    for start, end in PROGRAMMING_PERIODS:
        if year <= end - 1:
            return f"{start}-{end}"
    return None


@lru_cache(maxsize=1)
def _registry() -> Any:
    try:
        from observatory.regions.registry import RegionRegistry
    except ImportError:  # pragma: no cover - the registry ships with the core
        log.warning("observatory.regions is not available: no region detection")
        return None
    return RegionRegistry.load()


def detect_region(title: str, text: str) -> tuple[str | None, str | None, str | None]:
    """(region name, NUTS code, country code) from region names in the title and text.

    Names in the title count most. A region whose sub-regions are also named gets half their
    mentions (a strategy for a region names its provinces); countries only win when no region
    is named.
    """
    registry = _registry()
    if registry is None:
        return None, None, None
    counts: Counter[Any] = Counter()
    for region, n in registry.find_in_text(title, limit=10):
        counts[region] += 5 * n
    for region, n in registry.find_in_text(text[:60000], limit=30):
        counts[region] += n
    if not counts:
        return None, None, None
    scores: dict[Any, float] = {}
    for region, n in counts.items():
        nested = sum(
            m
            for other, m in counts.items()
            if other is not region and other.code.startswith(region.code)
        )
        scores[region] = n + 0.5 * nested
    by_country: Counter[str] = Counter()
    for region, n in counts.items():
        by_country[region.country] += n
    country = by_country.most_common(1)[0][0]
    national = sum(n for r, n in counts.items() if r.country == country and r.level == 0)
    regional = {r: s for r, s in scores.items() if r.level > 0 and r.country == country}
    # a national strategy mentions its regions in passing; a regional one names itself a lot
    if regional and max(regional.values()) >= 0.25 * national:
        region = max(regional, key=lambda r: (regional[r], -r.level))
    else:
        region = next((r for r in counts if r.country == country and r.level == 0), None)
        if region is None:
            region = max(regional, key=lambda r: (regional[r], -r.level))
    name = region.names[0] if region.names and region.level > 0 else region.name
    return name, region.code, region.country


def detect_metadata(document: DocumentText, full_text: str) -> StrategyMetadata:
    """All metadata of one document."""
    title = detect_title(document)
    region, nuts_code, country = detect_region(title, full_text)
    return StrategyMetadata(
        title=title,
        region=region,
        nuts_code=nuts_code,
        country=country,
        language=detect_language(full_text),
        period=detect_period(" ".join([title, *document.running_texts[:3], full_text])),
    )
