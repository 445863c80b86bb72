"""Terminal output shared by the commands: a stderr console and a progress display."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console

__all__ = ["err_console", "out_console", "progress"]

out_console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


@contextmanager
def progress(title: str, *, live: bool = True) -> Iterator[Callable[[str], None]]:
    """A spinner with the latest step on a terminal; one line per step elsewhere (CI logs, ``live=False``).
    The spinner ends with the block: a step's display must not outlive the step.

    Steps look like ``"installing ogx-1.5.0"`` or ``"installing ogx-1.5.0: <tool output>"``; off a
    terminal only the part before the colon is printed, once, so logs stay short.
    """
    if live and err_console.is_terminal:
        with err_console.status(title) as status:
            yield lambda message: status.update(f"{title}: {message}")
        return
    printed: set[str] = set()

    def step(message: str) -> None:
        head = message.split(": ", 1)[0]
        if head not in printed:
            printed.add(head)
            err_console.print(f"{title}: {head}")

    yield step
