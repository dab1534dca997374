"""Server-rendered web pages for analysts, reviewers and regions (Jinja2, no build step).

Each module exposes ``router``; ``PAGE_ROUTER_MODULES`` lists them for ``api.app``.
"""

PAGE_ROUTER_MODULES = (
    "api.pages.search",
    "api.pages.priorities",
    "api.pages.regions",
    "api.pages.compare",
    "api.pages.partnerships",
    "api.pages.about",
    "api.pages.map",
    "api.pages.review",
    "api.pages.extraction_review",
)
