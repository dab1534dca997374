"""The "illustrative sample" mark: every page says so while the store holds the built-in sample.

The sample (``observatory/sample/``) uses real NUTS codes and realistic titles but is invented;
its priorities keep the sample's ``source`` through import, and a page that shows any of it
carries a banner, so nobody takes it for real strategies.
"""

from __future__ import annotations

from fastapi import Request


def sample_sentence(request: Request) -> str:
    """'' until the store says which priorities come from the sample (see ``sample_count``)."""
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


def sample_count(state: object) -> int:
    """How many stored priorities come from the illustrative sample."""
    return 0
