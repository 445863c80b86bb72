"""Conformance and replay test suite for Llama Stack / OGX-compatible API servers."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("llama-stack-conformance")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
