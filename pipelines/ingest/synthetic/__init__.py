"""Generated test strategies: layouts x languages x decoy lists, with their ground truth."""
