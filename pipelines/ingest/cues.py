"""Cue phrases, per language, for where a strategy states (or merely analyses) its priorities.

Patterns are deliberately generic (a qualifier followed by a domain noun) so that wording we have
not seen still matches: "priority areas", "specialisation domains", "key clusters", "focus
points", "spearheads", "growth areas", and their equivalents in de, fr, es, it, pl, nl, pt, fi.
"""

from __future__ import annotations

import re

# Phrases that announce the strategy's own selection of domains.
_SELECTION_CUES = [
    # en
    r"priorit(?:y|ies)(?:[ -]\w+)?\s+(?:areas?|domains?|sectors?|fields?|themes?|clusters?|axes)",
    r"(?:specialisation|specialization|focus|key|thematic|strategic|growth|spearhead|core|"
    r"lead|target|selected|chosen)\s+(?:\w+\s+)?(?:areas?|domains?|sectors?|fields?|clusters?|"
    r"points|themes?|industries|priorities|technologies|markets)",
    r"spearheads?",
    r"smart specialisation priorities|s3 priorities|ris3 priorities",
    r"(?:we|the region|the strategy)\s+(?:will\s+)?(?:focus|concentrate)s?\s+on",
    # de
    r"schwerpunkt\w*|spezialisierungs\w*|zukunftsfeld\w*|innovationsfeld\w*|leitmärkt\w*|"
    r"handlungsfeld\w*|kompetenzfeld\w*|prioritäre\w*\s+\w+",
    # fr
    r"domaines?\s+(?:de\s+spécialisation|prioritaires?|d'activités? stratégiques?|stratégiques?)|"
    r"filières?\s+(?:prioritaires?|stratégiques?)|axes?\s+prioritaires?|priorités?\s+thématiques?",
    # es
    r"(?:áreas?|ámbitos?|sectores?|campos?)\s+(?:de\s+especialización|prioritari[oa]s?|"
    r"estratégic[oa]s?)|prioridades\s+temáticas|ejes?\s+prioritarios?",
    # it
    r"(?:aree|ambiti|settori)\s+(?:di\s+specializzazione|prioritari[eo]?|strategic[ih])|"
    r"aree\s+tematiche|traiettorie\s+tecnologiche",
    # pl
    r"inteligentn\w+\s+specjalizacj\w+|obszar\w*\s+(?:priorytetow\w*|specjalizacji)|"
    r"specjalizacj\w+\s+regionaln\w+",
    # nl
    r"speerpunt\w*|topsector\w*|(?:prioritaire|focus)\s*(?:gebieden|sectoren|thema's)|"
    r"specialisatie\w*|kansrijke\s+\w+",
    # pt
    r"(?:domínios?|áreas?|sectores?|setores?)\s+(?:de\s+especialização|prioritári[oa]s?|"
    r"estratégic[oa]s?)|domínios\s+prioritários",
    # cs
    r"(?:prioritní|vybran\w+|klíčov\w+)\s+(?:domén\w*|oblast\w*|obor\w*|odvětv\w*)|"
    r"domén\w*\s+specializace|oblast\w*\s+specializace|inteligentní\w*\s+specializac\w*",
    # fi
    r"painopiste\w*|painoala\w*|kärkial\w*|vahvuusal\w*|erikoistumis\w*|kasvual\w*",
]

# Words that say a list was chosen rather than surveyed.
_SELECTED_VERBS = [
    r"identified|selected|chosen|retained|adopted|defined as|will focus|focus(?:es)? on|"
    r"concentrate|prioriti[sz]e|are the following|namely|consist of|are:",
    r"ausgewählt|festgelegt|konzentriert",  # de
    r"retenus?|sélectionnés?|choisis?",  # fr
    r"seleccionad[oa]s|elegid[oa]s|identificad[oa]s",  # es
    r"selezionat[ei]|individuat[ei]|scelt[ei]",  # it
    r"wybran\w+|zidentyfikowan\w+",  # pl
    r"gekozen|geselecteerd|geïdentificeerd",  # nl
    r"selecionad[oa]s|escolhid[oa]s|identificad[oa]s",  # pt
    r"valit\w+|valinn\w+|tunnistet\w+",  # fi
    r"vybrán\w*|vymezuje|stanoven\w*|zvolen\w*",  # cs
]

# Lists that were surveyed, inherited from older plans, or that are candidates.
_ANALYSIS_CUES = [
    r"analys\w+|investigat\w+|examined|assess\w+|candidates?|long[- ]list|previous|former|"
    r"foresight|in 20(?:0\d|1[0-2])|fact ?sheets?|lower priority|were considered|statistic\w*|"
    r"performance contracts?|coalition agreement|clusters? (?:programme|initiative)|"
    r"recommend\w*|potential",
    r"analysiert|untersucht|kandidaten",
    r"analysés?|étudiés?|candidat\w*",
    r"analizad[oa]s|candidat[oa]s",
    r"analizzat[ei]|candidat[ei]",
    r"przeanalizowan\w+|kandydu\w+",
    r"onderzocht|geanalyseerd|kandida\w+",
    r"analisad[oa]s|candidat[oa]s",
    r"analysoi\w+|selvite\w+|ehdok\w+",
    r"analýz\w*|posoudil\w*|posouzen\w*|kandidát\w*",  # cs
]

# Horizontal themes, principles and instruments: not thematic priorities.
_HORIZONTAL_CUES = [
    r"horizontal|cross[- ]cutting|transversal|principles?|challenges?|instruments?|measures?|"
    r"objectives?|implementation|governance|monitoring|skill sets?|service and skill|"
    r"enablers?|indicators?|recommendations?|strengths|weaknesses|swot|dna",
    r"querschnitt\w*|herausforderung\w*|maßnahmen|ziele",
    r"transversa\w+|défis|mesures|objectifs",
    r"transversal\w*|retos|desafíos|medidas|objetivos",
    r"trasversal\w*|sfide|misure|obiettivi",
    r"horyzontaln\w+|wyzwani\w+|działani\w+|cele",
    r"horizonta\w+|uitdaging\w*|maatregel\w*|doelstelling\w*",
    r"transvers\w+|desafios|medidas|objetivos",
    r"horisontaal\w*|haastee\w*|toimenpitee\w*|tavoitte\w*",
    r"horizontální\w*|výzv\w*|opatření|nástroj\w*|cíl\w*",  # cs
]


def _compile(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + r")", re.IGNORECASE)


SELECTION = _compile(_SELECTION_CUES)
SELECTED_VERB = _compile(_SELECTED_VERBS)
ANALYSIS = _compile(_ANALYSIS_CUES)
HORIZONTAL = _compile(_HORIZONTAL_CUES)


def cue_scores(context: str) -> dict[str, int]:
    """How many selection, selected-verb, analysis and horizontal cues a context holds."""
    return {
        "selection": len(SELECTION.findall(context)),
        "verb": len(SELECTED_VERB.findall(context)),
        "analysis": len(ANALYSIS.findall(context)),
        "horizontal": len(HORIZONTAL.findall(context)),
    }
