"""Paths the file system cannot hold, refused before anything touches them.

A path over the system's limits makes every ``stat`` and ``open`` raise
``ENAMETOOLONG``, and the outputs have longer siblings (``.checkpoint``,
``.lock``, ``.tmp``), so one check up front is the only place that can name
the option and the fix instead of a traceback halfway through a run.
"""

from __future__ import annotations

import os
from pathlib import Path

# Linux's limits; os.pathconf gives the real ones where it can.
_DEFAULT_NAME_MAX = 255
_DEFAULT_PATH_MAX = 4096
_SHOWN = 60  # characters of a refused path shown in the message


class PathTooLongError(Exception):
    """A path the file system cannot hold; the message names the option and the fix."""


def require_short_enough(option: str, path: Path, *, longest_suffix: str = "") -> None:
    """Raise :class:`PathTooLongError` unless ``path`` (and ``path`` + ``longest_suffix``,
    the longest sibling this command makes beside it) fits the file system's limits."""
    name_max, path_max = _limits()
    suffix = os.fsencode(longest_suffix)
    whole = len(os.fsencode(os.path.abspath(path))) + len(suffix)
    names = [len(os.fsencode(part)) for part in path.parts] or [0]
    names[-1] += len(suffix)
    if whole < path_max and max(names) <= name_max:
        return
    text = str(path)
    shown = text if len(text) <= _SHOWN else f"{text[:_SHOWN]}..."
    beside = (
        f" (with {longest_suffix!r} added for the files kept beside it)" if longest_suffix else ""
    )
    raise PathTooLongError(
        f"{option} {shown} is too long for the file system{beside}: it allows {name_max} "
        f"bytes per name and {path_max - 1} per path: pass a shorter path"
    )


def _limits() -> tuple[int, int]:
    try:
        return os.pathconf("/", "PC_NAME_MAX"), os.pathconf("/", "PC_PATH_MAX")
    except (OSError, ValueError):
        return _DEFAULT_NAME_MAX, _DEFAULT_PATH_MAX
