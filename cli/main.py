"""Entry point: builds the argument parser from the command modules and dispatches."""
from __future__ import annotations

import argparse
import logging
import sys

from cli import (articles_cmd, classify_cmd, corrections_cmd, digest_cmd, feeds_cmd, fetch_cmd, serve_cmd,
                 stories_cmd, subscribers_cmd)
from config import ConfigError, load_config

COMMANDS = (fetch_cmd, feeds_cmd, articles_cmd, stories_cmd, classify_cmd, digest_cmd, subscribers_cmd, serve_cmd,
            corrections_cmd)


def build_parser() -> argparse.ArgumentParser:
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
    for module in COMMANDS:
        module.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
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
