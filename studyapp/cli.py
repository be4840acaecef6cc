"""The ``studyapp`` command line: one sub-command module per core package.

Each module in ``COMMAND_MODULES`` exposes ``register(subparsers, common)``:
it adds its sub-commands (built on the ``common`` parent parser, which holds
``--content`` and ``--data-dir``) and sets ``func(args) -> int`` on each.
Exit codes: 0 success, 1 a negative result (invalid bank, failed grading),
2 a usage error.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from studyapp import __version__

COMMAND_MODULES: tuple[str, ...] = (
    "studyapp.content.commands",
    "studyapp.grading.commands",
    "studyapp.progress.commands",
    "studyapp.progress.queue_commands",
    "studyapp.lab.commands",
    "studyapp.content.anki_export",
    "studyapp.desktop",
)


def common_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--content",
        action="append",
        metavar="DIR",
        help="a content directory (repeatable; default: the bundled content/)",
    )
    common.add_argument("--data-dir", metavar="DIR", help="where progress is stored (default: $STUDYAPP_DATA_DIR or the user data dir)")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="studyapp", description="RNN/LSTM/GRU study app: banks, grader, progress.")
    parser.add_argument("--version", action="version", version=f"studyapp {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = common_parser()
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a package not built yet
            if not exc.name or not name.startswith(exc.name):
                raise
            continue
        module.register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
