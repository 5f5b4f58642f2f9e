"""Stage 7, the command line: `build_pdf.py [build|list|proof|site|serve|web|worker|catalog] ...`.

Parses arguments (parser.py), turns them into the explicit inputs the stages take (Sources),
and prints for people; the work itself is done by the stages.
"""

from __future__ import annotations

import sys

from .parser import COMMANDS, make_parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    from . import catalog, commands

    if args.command == "list":
        return commands.cmd_list(args.locales_dir)
    if args.command == "catalog":
        return catalog.run(args)
    if args.command == "proof":
        return commands.cmd_proof(args)
    if args.command == "site":
        return commands.cmd_site(args.out)
    if args.command == "serve":
        return commands.cmd_serve(args.out, args.port)
    if args.command == "web":
        return commands.cmd_web(args)
    if args.command == "worker":
        return commands.cmd_worker(args)
    return commands.cmd_build(args)


__all__ = ["COMMANDS", "main", "make_parser"]
