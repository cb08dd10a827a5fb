"""The entry point of both ``ddbctl`` (the console script) and ``python -m ddbctl``.

Importing the CLI (boto3, pydantic, the commands) takes a few tenths of a
second. A Ctrl-C raised in the middle of it surfaces as a KeyboardInterrupt in
some library's import, or as a Rust panic inside pydantic-core, with a
traceback. So SIGINT is held back while the CLI is imported and honoured right
after: one line, exit 130. ``_signal`` is the built-in module, so taking the
handler over imports nothing that could itself be interrupted.
"""

import sys


def launch() -> None:
    try:
        import _signal

        held: list[int] = []
        previous = _signal.signal(_signal.SIGINT, lambda signum, frame: held.append(signum))
    except KeyboardInterrupt:
        sys.stderr.write("ddbctl: interrupted\n")
        sys.exit(130)
    try:
        from ddbctl.cli import EXIT_INTERRUPTED, main
    finally:
        _signal.signal(_signal.SIGINT, previous)
    if held:
        sys.stderr.write("ddbctl: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(main())
