"""`scimcert checks`: every check with its level, kind, references and the sentence it enforces."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator

from harness.checks import load_all
from harness.checks.references import links
from harness.checks.registry import Check, registry
from verdict.questions import ASKED, question_of


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "checks",
        help="list every check with its level, reference and the sentence it enforces",
        description="Every check: id, level, kind and references; under it, the normative "
        "sentence it enforces, quoted from its first reference.",
    )
    parser.add_argument(
        "--links",
        action="store_true",
        help="also print the URL (or project file) of each reference",
    )
    parser.set_defaults(handler=run)


def kind(check: Check) -> str:
    return "always-on" if check.always_on else "code" if check.function else "expectation"


def lines(show_links: bool = False) -> Iterator[str]:
    load_all()
    for check in registry:
        yield f"{check.id:<36} {check.level.value:<6} {kind(check):<11} {check.ref}"
        yield f"    quote: {check.quote}"
        yield f"    answers: {ASKED[question_of(check.ref)]}"
        if show_links:
            yield from (f"    {link.url or link.text}" for link in links(check.ref))


def run(args: argparse.Namespace) -> int:
    try:
        for line in lines(bool(getattr(args, "links", False))):
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (`head`, a pager) stopped reading: that is not an error. Point stdout at
        # /dev/null so the interpreter's final flush does not raise again on the closed pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0
