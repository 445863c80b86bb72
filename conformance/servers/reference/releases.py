"""The upstream releases the suite can run as reference servers: one row each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conformance.core.errors import UsageError
from conformance.servers.environments import EnvSpec

__all__ = ["DEFAULT_RELEASE", "RELEASES", "Release", "get_release"]


@dataclass(frozen=True, slots=True)
class Release:
    """One upstream server release and how to install, configure and start it."""

    id: str
    """``name==version``, as users type it: ``ogx==1.5.0``."""
    server: str
    """Server family: ``ogx`` or ``llama-stack``."""
    version: str
    requirements: tuple[str, ...]
    entry_point: str
    """``module:function`` of the upstream CLI, called in-process by our bootstrap."""
    run_args: tuple[str, ...]
    """Arguments to the CLI before ``CONFIG --port PORT``."""
    extra_run_args: tuple[str, ...] = ()
    config_dir_env: str = "LLAMA_STACK_CONFIG_DIR"
    """Environment variable that moves the server's home directory into our state directory."""
    log_format_env: str | None = None
    """Environment variable that switches the server's logs to JSON lines. Its default console logs
    render every error's traceback with rich, locals included: seconds of CPU per error answer,
    and the property suite provokes hundreds of them (it measured 15 s per request on 2 cores)."""
    legacy_agents: bool = False
    """0.3.x: ``image_name``, the ``agents`` + ``safety`` APIs, ``inline::rag-runtime``, no prompts store."""
    file_processor: str | None = None
    """Provider type of the ``file_processors`` API, for a release whose vector stores need one.

    OGX 1.5.0 refuses to ingest a file without it (the vector store file ends ``failed``: "FileProcessor
    API is required for file processing but is not configured"); llama-stack 0.7.3 falls back to its
    own chunking without one (its only processors, pypdf and docling, read PDFs), 0.3.0 has no such API.
    """

    @property
    def known_findings(self) -> Path:
        """The committed baseline of what this release really gets wrong under `conformance run`'s defaults.

        `conformance run` applies it when it judges this release as the embedded reference, so the
        demo exits 0 while every upstream deviation stays listed (as ``known``) in the reports.
        Regenerate with ``nox -s baselines``.
        """
        return _KNOWN_FINDINGS / f"{self.env_spec.name}.yaml"

    @property
    def env_spec(self) -> EnvSpec:
        return EnvSpec(name=self.id.replace("==", "-"), requirements=self.requirements)


_KNOWN_FINDINGS = Path(__file__).resolve().parent / "known_findings"

# Extra packages the providers import at start-up (shared/upstream-servers.md): faiss for vector_io,
# chardet/pypdf for files, sqlite-vec. mcp: llama-stack 0.7.3 breaks with mcp 2.x, OGX 1.5.0 needs it.
_PROVIDER_EXTRAS = ("faiss-cpu", "chardet", "pypdf", "sqlite-vec")

RELEASES: dict[str, Release] = {
    r.id: r
    for r in (
        Release(
            id="ogx==1.5.0",
            server="ogx",
            version="1.5.0",
            requirements=("ogx==1.5.0", "ogx-api==1.5.0", "ogx-client==1.5.0", "mcp>=2", *_PROVIDER_EXTRAS),
            entry_point="ogx.cli.ogx:main",
            run_args=("run",),
            extra_run_args=("--insecure",),  # without it OGX refuses to start without TLS certificates
            config_dir_env="OGX_CONFIG_DIR",
            log_format_env="OGX_LOG_FORMAT",
            # inline::pypdf reads text files as well as PDFs with what we install (pypdf, chardet);
            # inline::auto would need markitdown.
            file_processor="inline::pypdf",
        ),
        Release(
            id="llama-stack==0.7.3",
            server="llama-stack",
            version="0.7.3",
            requirements=(
                "llama-stack==0.7.3",
                "llama-stack-api==0.7.3",
                "llama-stack-client==0.7.5",
                "mcp<2",
                *_PROVIDER_EXTRAS,
            ),
            entry_point="llama_stack.cli.llama:main",
            run_args=("stack", "run"),
            log_format_env="LLAMA_STACK_LOG_FORMAT",
        ),
        Release(
            id="llama-stack==0.3.0",
            server="llama-stack",
            version="0.3.0",
            requirements=("llama-stack==0.3.0", "llama-stack-client==0.3.0", *_PROVIDER_EXTRAS),
            entry_point="llama_stack.cli.llama:main",
            run_args=("stack", "run"),
            legacy_agents=True,
        ),
    )
}

DEFAULT_RELEASE = "ogx==1.5.0"


def get_release(release_id: str) -> Release:
    try:
        return RELEASES[release_id.strip()]
    except KeyError:
        known = ", ".join(RELEASES)
        raise UsageError(f"unknown reference release {release_id!r} (supported: {known})") from None
