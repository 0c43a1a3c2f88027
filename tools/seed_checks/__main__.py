"""python -m tools.seed_checks [NN ...]: see tools/seed_checks/__init__.py."""

from __future__ import annotations

import sys

from tools.seed_checks import markdown_table, modules


def main(argv: list[str]) -> int:
    chapters = [a.zfill(2) for a in argv]
    found = modules(chapters)
    if not found:
        print(f"no seed-check module for chapters {chapters}", file=sys.stderr)
        return 2
    failed = []
    for module in found:
        rows = module.run()
        print(f"### {module.TITLE}\n")
        for check in dict.fromkeys(r["check"] for r in rows):
            print(f"**{check}**\n")
            print(markdown_table([{k: v for k, v in r.items() if k != "check"} for r in rows if r["check"] == check]))
            print()
        failed += [(module.TITLE, r) for r in rows if not r["holds"]]
    for title, r in failed:
        seed = f", seed {r['seed']}" if "seed" in r else ""
        print(f"FAILED: {title}, {r['check']}{seed}: {r['claim']}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
