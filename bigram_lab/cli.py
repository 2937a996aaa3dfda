"""`bigram-lab`: every command of `python -m bigram_core`, with the same options and output, plus `serve`."""

from bigram_core import cli as core

from . import serve


def main(argv: list[str] | None = None) -> int:
    args = core.build_parser(prog="bigram-lab", more=serve.add_parser).parse_args(argv)
    if args.command == "serve":
        return serve.run(args)
    return core.run(args)
