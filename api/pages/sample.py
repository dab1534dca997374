"""The "illustrative sample" mark: every page says so while the store holds the built-in sample.

The sample (``observatory/sample/``) uses real NUTS codes and realistic titles but is invented;
its priorities keep the sample's ``source`` through import, and a page that shows any of it
carries a banner, so nobody takes it for real strategies.
"""

from __future__ import annotations

import numpy as np
from fastapi import Request

from api.services import search_service
from api.state import AppState
from observatory.errors import ObservatoryError


def sample_sentence(request: Request) -> str:
    """The banner's sentence, or '' when no priority of the sample is stored."""
    state = getattr(request.app.state, "observatory", None)
    if state is None:
        return ""
    count = sample_count(state)
    if not count:
        return ""
    return (
        f"{count} of the priorities shown here were written by the S3 Observatory team to try "
        "the tool: they are not real strategies."
    )


def sample_count(state: AppState) -> int:
    """How many current priorities come from the illustrative sample (strategies that
    ``observatory demo load`` stored with source kind 'sample')."""
    try:
        catalog = search_service(state).catalog()
    except ObservatoryError:  # a page must render even when the store cannot be read
        return 0
    invented = [sid for sid, strategy in catalog.strategies.items() if strategy.illustrative]
    if not invented:
        return 0
    return int(np.isin(catalog.strategy_ids, invented).sum())
