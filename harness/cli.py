"""The `scimcert` command.

The server's own commands hand over to `python -m reference_server` in a child process: the
harness meets the reference server only over HTTP, like any vendor's server, and never imports it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

SERVER_COMMANDS = ("serve", "team", "token", "purge")
USAGE = f"usage: scimcert {{{','.join(SERVER_COMMANDS)}}} ...\n"


def _server(argv: Sequence[str]) -> int:
    try:
        return subprocess.call([sys.executable, "-m", "reference_server", *argv])
    except KeyboardInterrupt:
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SERVER_COMMANDS:
        return _server(args)
    if args and args[0] in ("-h", "--help"):
        sys.stdout.write(USAGE)
        return 0
    choice = args[0] if args else "(none)"
    sys.stderr.write(
        f"{USAGE}scimcert: unknown command {choice!r}; choose one of: "
        f"{', '.join(SERVER_COMMANDS)}\n"
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
