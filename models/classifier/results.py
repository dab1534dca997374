"""Result types of the classifier: scored codes and per-taxonomy predictions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Evidence:
    """Why a code scored: a nearby prototype (code text) or validated example."""

    kind: str  # "prototype" or "example"
    text: str
    similarity: float
    source: str = ""  # prototype kind (title, keyword, includes...) or example id


@dataclass(frozen=True)
class ScoredCode:
    """One ranked code: calibrated probability, raw combined score and the evidence for it."""

    code: str
    probability: float
    score: float
    rank: int
    rationale: tuple[Evidence, ...] = ()
    title: str = ""

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        return asdict(self)


@dataclass
class Prediction:
    """Ranked codes of one taxonomy for one text.

    ``abstained`` means "not classifiable": the codes are kept as suggestions for a reviewer
    but must not be accepted automatically. ``rolled_up`` holds the codes one level up (NACE
    sections) with the summed probability of their children.
    """

    taxonomy: str
    codes: list[ScoredCode]
    abstained: bool
    model_id: str
    taxonomy_version: str
    warnings: list[str] = field(default_factory=list)
    level: str = ""
    rolled_up: list[ScoredCode] = field(default_factory=list)
    # disagreements with the text's other taxonomies (crosswalks); they block auto-acceptance
    conflicts: list[str] = field(default_factory=list)
    # per ranked code, the gate's signals (``confidence.SIGNAL_NAMES``); internal evidence of
    # the gate, not part of the JSON form
    signals: tuple[tuple[float, ...], ...] = ()

    @property
    def top(self) -> ScoredCode | None:
        """The first code, if any."""
        return self.codes[0] if self.codes else None

    @property
    def margin(self) -> float:
        """Probability margin between the first and second code."""
        if not self.codes:
            return 0.0
        second = self.codes[1].probability if len(self.codes) > 1 else 0.0
        return self.codes[0].probability - second

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        out = asdict(self)
        del out["signals"]
        return out
