"""Starts an upstream server inside its own environment. Runs there, so it imports nothing of ours.

Usage: ``python bootstrap.py MODULE:FUNCTION PROG [ARGS...]``

llama-stack 0.7.3 and OGX load the ``cl100k_base`` tiktoken encoding at start-up and fail offline,
and tiktoken verifies the sha256 of cached files, so a fake cache file does not work. Instead we
register an offline byte-level encoding under the usual names before the server imports anything;
token counts then differ from the real encodings, which no conformance rule depends on.

Their console logs render each error's traceback with rich (syntax-highlighted source, sometimes
locals): seconds of CPU per error answer, and the property suite provokes hundreds of errors. OGX and
0.7.3 switch to JSON lines through an environment variable (the release table's ``log_format_env``);
0.3.0 has no such switch, so ``RichHandler`` is made to format tracebacks as plain text here.

OGX 1.5.0 runs some providers (the file processors that ingest vector store files) in worker
processes started with multiprocessing's ``spawn``; a spawned child runs this script again under
the name ``__mp_main__`` before it unpickles its target, so the encoding is registered there too.
"""

from __future__ import annotations

import importlib
import sys

_ENCODING_NAMES = ("cl100k_base", "o200k_base", "p50k_base", "r50k_base", "gpt2")
_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def install_offline_tiktoken() -> None:
    try:
        import tiktoken
        import tiktoken.registry
    except ImportError:
        return
    ranks = {bytes([i]): i for i in range(256)}
    for name in _ENCODING_NAMES:
        tiktoken.registry.ENCODINGS[name] = tiktoken.Encoding(
            name=name, pat_str=_PATTERN, mergeable_ranks=ranks, special_tokens={"<|endoftext|>": 256}
        )


def plain_tracebacks() -> None:
    try:
        from rich.logging import RichHandler
    except ImportError:
        return
    original = RichHandler.__init__

    def init(self: RichHandler, *args: object, **kwargs: object) -> None:
        kwargs["rich_tracebacks"] = False
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    RichHandler.__init__ = init  # type: ignore[method-assign]


def main() -> None:
    target, prog, *args = sys.argv[1:]
    install_offline_tiktoken()
    plain_tracebacks()
    module_name, _, function_name = target.partition(":")
    entry = getattr(importlib.import_module(module_name), function_name)
    sys.argv = [prog, *args]
    sys.exit(entry())


if __name__ == "__main__":
    main()
elif __name__ == "__mp_main__":
    install_offline_tiktoken()
