"""The one progress bar look the long-running commands share, on stderr."""

from __future__ import annotations

from typing import Any


def stderr_progress(label: str) -> Any:
    """A transient rich ``Progress`` (label, bar, percent, status, elapsed) on stderr, so
    stdout stays the command's output; each task passes ``status=`` as a field. rich is
    imported here, only when a bar is shown."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn(label),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
