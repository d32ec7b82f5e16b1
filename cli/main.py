"""Entry point: builds the argument parser from the command modules and dispatches.

Only the module of the command given is imported (`run.py fetch` never loads the web
front, the bot or the digest renderer); without a known command, all of them are, for
the full help and argparse's own error messages.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from config import ConfigError, load_config

# command name -> module under cli/, in the order of `run.py --help`
COMMANDS = {"fetch": "fetch_cmd", "feeds": "feeds_cmd", "articles": "articles_cmd", "stories": "stories_cmd",
            "classify": "classify_cmd", "digest": "digest_cmd", "subscribers": "subscribers_cmd",
            "serve": "serve_cmd", "corrections": "corrections_cmd"}
_OPTIONS_WITH_VALUE = ("--config", "--data-dir")


def command_named(argv: list[str]) -> str | None:
    """The command in `argv` (the first word that is not an option nor an option's value),
    if it is one of COMMANDS."""
    words = iter(argv)
    for word in words:
        if word in _OPTIONS_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of the command `only` alone."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help="configuration file (default: config.toml)")
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="data directory (default: [vigie] data_dir of the config)")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="log details to stderr")
    parser = argparse.ArgumentParser(prog="run.py", parents=[common],
                                     description="Vigie: news watch on care-sector workforce initiatives.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, module in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(f"cli.{module}").register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(command_named(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    needs_config = getattr(args, "needs_config", True)
    config = None
    if needs_config:
        try:
            config = load_config(getattr(args, "config", "config.toml"), getattr(args, "data_dir", None))
        except ConfigError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    try:
        return args.handler(args, config)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # an unreadable or unwritable file or folder: one line, no traceback
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
