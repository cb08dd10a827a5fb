"""Errors a command reports as one line, with the exit code it means."""

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
# What a shell reports for a process killed by SIGPIPE (128 + 13), so
# `set -o pipefail` scripts see the same code whether Python or C wrote the output.
EXIT_BROKEN_PIPE = 141
# 128 + SIGINT, as a shell reports a command stopped with Ctrl-C.
EXIT_INTERRUPTED = 130


class CliError(Exception):
    """A user-facing failure: one line that names the fix."""

    def __init__(self, message: str, *, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.exit_code = exit_code
