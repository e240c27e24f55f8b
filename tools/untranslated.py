"""Print the messages of the translation catalogues still to translate, one msgid a line.

Run it after `make messages` (which adds the source's new strings to the catalogues, empty or
marked fuzzy):

    python tools/untranslated.py            # one msgid a line, both catalogues
    python tools/untranslated.py --where    # catalogue<TAB>[fuzzy]<TAB>msgid
    python tools/untranslated.py --check    # exit 1 when anything is left (for scripts)

A msgid's own line breaks are printed as \\n so that each message stays on one line. A plural
message prints its singular msgid. Standard library only: no Django settings needed.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from nscap.core.message_catalogues import CATALOGUES, PACKAGE, untranslated  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--where", action="store_true", help="prefix the catalogue and state")
    parser.add_argument("--check", action="store_true", help="exit 1 when anything is left")
    args = parser.parse_args(argv)
    left = 0
    for po in CATALOGUES:
        for entry in untranslated(po):
            left += 1
            msgid = entry["msgid"].replace("\n", "\\n")
            if args.where:
                state = "fuzzy" if entry.get("fuzzy") else "empty"
                print(f"{po.relative_to(PACKAGE.parent.parent)}\t{state}\t{msgid}")
            else:
                print(msgid)
    return 1 if args.check and left else 0


if __name__ == "__main__":
    sys.exit(main())
