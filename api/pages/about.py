"""The "About the data" page (``/about``): where the data comes from and how good the AI tags
are, with the quality figures taken from the README's "Measured quality and speed" section.

The README is the one place those figures live (each next to the command that reproduces it),
so the page reads that section instead of copying numbers into a template: from the source
tree when it is there, otherwise from the installed package's metadata, whose long
description is the README.
"""

from __future__ import annotations

import functools
import re
from importlib import metadata
from pathlib import Path

from fastapi import APIRouter, Request, Response
from markdown_it import MarkdownIt
from markupsafe import Markup

from api.pages.rendering import TRUST_LABELS, HTMLRoute, render

router = APIRouter(route_class=HTMLRoute, include_in_schema=False)

README = Path(__file__).resolve().parents[2] / "README.md"
DISTRIBUTION = "s3-observatory"
QUALITY_HEADING = "Measured quality and speed"
DATA_HEADING = "Data and provenance"


def readme_text() -> str:
    """The README, from the source tree or else the installed package's metadata."""
    if README.is_file():
        return README.read_text(encoding="utf-8")
    try:
        return metadata.metadata(DISTRIBUTION).get_payload() or ""  # type: ignore[attr-defined]
    except metadata.PackageNotFoundError:
        return ""


def section(markdown: str, heading: str) -> str:
    """The body of the ``## heading`` section of a Markdown text ('' when absent)."""
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    return match.group(1).strip() if match else ""


@functools.lru_cache(maxsize=4)
def _html(markdown: str) -> str:
    # html=False: the README's text is escaped, never passed through as markup
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)


def readme_section_html(heading: str) -> Markup:
    """One README section as HTML."""
    return Markup(_html(section(readme_text(), heading)))


@router.get("/about")
def about_page(request: Request) -> Response:
    """Where the data comes from, what the tag statuses mean, and measured quality."""
    return render(
        request,
        "about.html",
        {
            "title": "About the data",
            "section": "about",
            "quality": readme_section_html(QUALITY_HEADING),
            "provenance": readme_section_html(DATA_HEADING),
            "trust_labels": TRUST_LABELS,
        },
    )
