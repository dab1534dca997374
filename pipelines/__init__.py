"""pipelines layer of the S3 Observatory."""
