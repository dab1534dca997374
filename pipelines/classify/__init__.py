"""Classification jobs: evaluate against gold sets and (with the store) label priorities."""
