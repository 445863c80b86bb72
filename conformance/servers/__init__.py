"""Servers the suite runs itself: the deterministic model server and the upstream reference servers."""
