"""Write test strategy PDFs (reportlab, a dev dependency) in several layouts and languages.

Every strategy selects some thematic domains and also holds decoy lists: candidate sectors it
analysed (some not chosen), objectives and instruments. Layouts, as strategies state their
choice: ``headings`` (a sub-section per domain), ``table`` (a table of domains),
``runin`` (numbered paragraphs whose first sentence is the domain), ``summary`` (a summary list
near the start and a chapter of unnumbered headings later), ``textbox`` (a figure of boxes),
``twocol`` (everything in two columns, the choice as a bulleted list), ``inline`` (the choice
named in one sentence). Chapters come in a random order, and decoys take the same structure as
the choice in some layouts (a table of instruments, boxes of objectives, a sub-section per
instrument), so that neither position nor structure alone gives the choice away. The same seed
gives the same PDF.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipelines.ingest.synthetic.texts import LANGUAGES, LanguageTexts

LAYOUTS = ("headings", "table", "runin", "summary", "textbox", "twocol", "inline")
REGIONS = ("Nordvale", "Ostmark", "Valbruna", "Kestria", "Lindor", "Arvena", "Mirosk", "Tavira")
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)  # Latin Extended (pl, cs) when present


@dataclass(frozen=True)
class GeneratedStrategy:
    """A generated PDF with what it selects and the decoys it holds."""

    path: Path
    layout: str
    language: str
    selected: tuple[str, ...]
    decoys: tuple[str, ...]  # analysed but not chosen, objectives, instruments


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    """Regular and bold font names: DejaVu Sans when installed, else reportlab's Vera."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            return "DejaVuSans", "DejaVuSans-Bold"
    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
    return "Vera", "VeraBd"


class _Writer:
    """Builds the flowables of one strategy."""

    def __init__(self, texts: LanguageTexts, rng: random.Random, numbered: bool) -> None:
        from reportlab.lib.styles import ParagraphStyle

        regular, bold = _fonts()
        self.texts, self.rng, self.numbered = texts, rng, numbered
        self.chapter = 0
        self.body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13)
        self.small = ParagraphStyle("small", fontName=regular, fontSize=9, leading=11)
        self.h1 = ParagraphStyle("h1", fontName=bold, fontSize=15, leading=19, spaceBefore=10)
        self.h2 = ParagraphStyle("h2", fontName=bold, fontSize=12, leading=15, spaceBefore=6)
        self.title = ParagraphStyle("title", fontName=bold, fontSize=20, leading=24)
        self.bold = bold
        self.story: list = []

    def para(self, text: str, style=None) -> None:  # type: ignore[no-untyped-def]
        from reportlab.platypus import Paragraph, Spacer

        self.story += [Paragraph(_escape(text), style or self.body), Spacer(1, 5)]

    def filler(self, count: int = 2) -> None:
        self.para(" ".join(self.rng.sample(self.texts.filler, count)))

    def heading(self, text: str) -> None:
        self.chapter += 1
        self.para(f"{self.chapter} {text}" if self.numbered else text, self.h1)

    def sub(self, number: int, text: str) -> None:
        label = f"{self.chapter}.{number} {text}" if self.numbered else text
        self.para(label, self.h2)

    def bullets(self, items: list[str], numbered: bool = False) -> None:
        from reportlab.platypus import Spacer

        for position, item in enumerate(items, start=1):
            mark = f"{position}." if numbered else "\u2022"
            self.para(f"{mark} {item}")
        self.story.append(Spacer(1, 6))  # lists end with a little space, as documents have

    def table(self, header: tuple[str, str], rows: list[tuple[str, str]]) -> None:
        from reportlab.lib import colors
        from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

        head = [Paragraph(_escape(h), self._bold_body()) for h in header]
        body = [
            [Paragraph(_escape(a), self.body), Paragraph(_escape(b), self.small)] for a, b in rows
        ]
        # the name column leaves a gutter: without ruling lines in the text layer, a name that
        # runs up to the next column reads as one line with it (a limit of the layout reader)
        table = Table([head, *body], colWidths=[230, 240])
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        self.story += [table, Spacer(1, 8)]

    def boxes(self, items: list[str]) -> None:
        from reportlab.graphics.shapes import Drawing, Rect, String
        from reportlab.platypus import Spacer

        per_row, width, height, gap = 2, 215, 34, 20
        rows = (len(items) + per_row - 1) // per_row
        drawing = Drawing(per_row * width + gap, rows * (height + gap))
        for position, item in enumerate(items):
            row, column = divmod(position, per_row)
            x = column * (width + gap)
            y = (rows - 1 - row) * (height + gap)
            drawing.add(Rect(x, y, width, height, strokeWidth=1, fillColor=None))
            drawing.add(String(x + 8, y + height / 2 - 3, item, fontName=self.bold, fontSize=9))
        self.story += [drawing, Spacer(1, 6)]

    def _bold_body(self):  # type: ignore[no-untyped-def]
        from reportlab.lib.styles import ParagraphStyle

        return ParagraphStyle("bold_body", parent=self.body, fontName=self.bold)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _enumerate(texts: LanguageTexts, items: list[str]) -> str:
    """ "A, B and C." in the document's language."""
    lowered = [items[0], *(i[0].lower() + i[1:] if texts.code != "de" else i for i in items[1:])]
    return f"{', '.join(lowered[:-1])} {texts.conjunction} {lowered[-1]}."


def _selection(writer: _Writer, layout: str, selected: list[str]) -> None:
    texts = writer.texts
    describe = [texts.describe.format(domain=d) for d in selected]
    writer.heading(texts.selection_heading)
    if layout == "summary":  # the chapter after the summary: unnumbered headings, no cue
        writer.filler(1)
        for domain, text in zip(selected, describe, strict=True):
            writer.para(domain, writer.h2)
            writer.para(f"{text} {writer.rng.choice(texts.filler)}")
        return
    writer.para(f"{writer.rng.choice(texts.filler)} {texts.selection_intro}")
    if layout == "headings":
        for number, (domain, text) in enumerate(zip(selected, describe, strict=True), start=1):
            writer.sub(number, domain)
            writer.para(f"{text} {writer.rng.choice(texts.filler)}")
    elif layout == "table":
        writer.table(texts.table_header, list(zip(selected, describe, strict=True)))
    elif layout == "runin":
        for number, (domain, text) in enumerate(zip(selected, describe, strict=True), start=1):
            writer.para(f"{number}. {domain}. {text} {writer.rng.choice(texts.filler)}")
    elif layout == "inline":
        writer.para(f"{texts.selection_intro} {_enumerate(texts, selected)}")
        for text in describe:
            writer.para(f"{text} {writer.rng.choice(texts.filler)}")
    elif layout == "textbox":
        writer.boxes(selected)
        writer.para(texts.figure_caption, writer.small)
        writer.filler(2)
    else:  # twocol: a bulleted list
        writer.bullets(selected)
        writer.filler(2)


def _instruments(writer: _Writer, layout: str, instruments: list[str]) -> None:
    texts = writer.texts
    writer.heading(texts.instruments_heading)
    writer.para(texts.instruments_intro)
    if layout == "table":
        rows = [(i, writer.rng.choice(texts.filler)) for i in instruments]
        writer.table(texts.table_header, rows)
        return
    writer.bullets(instruments)
    if layout in ("headings", "summary", "twocol"):  # restated as sub-sections, like a choice
        for number, instrument in enumerate(instruments, start=1):
            writer.sub(number, instrument)
            writer.filler(1)


def generate_strategy(folder: Path, layout: str, language: str, seed: int = 0) -> GeneratedStrategy:
    """Write one strategy PDF into ``folder``; returns its path and ground truth."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    texts = LANGUAGES[language]
    rng = random.Random(f"{layout}-{language}-{seed}")
    pool = list(texts.domains)
    rng.shuffle(pool)
    count = rng.randint(3, 7)
    selected, unchosen = pool[:count], pool[count : count + rng.randint(2, 4)]
    analysed = rng.sample(selected, min(2, count)) + unchosen
    rng.shuffle(analysed)
    objectives = rng.sample(list(texts.objectives), rng.randint(3, 5))
    instruments = rng.sample(list(texts.instruments), rng.randint(3, 5))
    writer = _Writer(texts, rng, numbered=layout in ("headings", "table") or rng.random() < 0.5)
    writer.para(texts.title.format(region=rng.choice(REGIONS)), writer.title)
    writer.heading(texts.introduction)
    writer.filler(3)
    if layout == "summary":
        writer.para(texts.summary_intro)
        writer.bullets(selected)
    writer.filler(2)
    chapters = ["analysis", "objectives", "selection", "instruments"]
    rng.shuffle(chapters)
    for chapter in chapters:
        if chapter == "analysis":
            writer.heading(texts.analysis_heading)
            writer.para(texts.analysis_intro)
            writer.bullets(analysed)
        elif chapter == "objectives":
            writer.heading(texts.objectives_heading)
            if layout == "inline":  # a decoy in the same structure as the choice
                writer.para(f"{texts.objectives_intro} {_enumerate(texts, objectives)}")
            elif layout == "textbox":
                writer.para(texts.objectives_intro)
                writer.boxes(objectives)
            else:
                writer.para(texts.objectives_intro)
                writer.bullets(objectives, numbered=True)
        elif chapter == "selection":
            _selection(writer, layout, selected)
        else:
            _instruments(writer, layout, instruments)
        writer.filler(2)
    path = folder / f"{layout}_{language}_{seed}.pdf"
    document = BaseDocTemplate(str(path), pagesize=A4, title=f"{layout} {language}")
    width, height = A4
    margin = 60
    if layout == "twocol":
        column = (width - 2 * margin - 20) / 2
        frames = [
            Frame(margin, margin, column, height - 2 * margin, id="left"),
            Frame(margin + column + 20, margin, column, height - 2 * margin, id="right"),
        ]
    else:
        frames = [Frame(margin, margin, width - 2 * margin, height - 2 * margin, id="body")]
    document.addPageTemplates([PageTemplate(id="page", frames=frames)])
    document.build(writer.story)
    decoys = tuple(unchosen) + tuple(objectives) + tuple(instruments)
    return GeneratedStrategy(path, layout, language, tuple(selected), decoys)


def generate_corpus(
    folder: Path, languages: tuple[str, ...] = tuple(LANGUAGES), seeds: tuple[int, ...] = (0,)
) -> list[GeneratedStrategy]:
    """Every layout in every language, once per seed."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        generate_strategy(folder, layout, language, seed)
        for seed in seeds
        for language in languages
        for layout in LAYOUTS
    ]
