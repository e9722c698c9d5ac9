"""``make audit``: the reviewed advisory list (security/advisories.yml) against what is installed.

Offline: it compares installed versions with the versions each entry was reviewed for, and
prints every advisory with whether it reaches this deployment. It fails when a package's
installed version differs from its reviewed one (review the entry again and update it).
It cannot learn about advisories published after the review; README, "Known vulnerabilities" says how
the list is kept up to date.
"""

import sys
from importlib import metadata
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

ADVISORIES = Path(__file__).resolve().parent.parent / "security" / "advisories.yml"


def installed_version(package: str) -> Optional[str]:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def stale_entries(entries: List[Dict[str, Any]]) -> List[str]:
    """One line per package whose installed version is not the reviewed one."""
    stale = []
    for entry in entries:
        version = installed_version(entry["package"])
        if version is not None and version != str(entry["reviewed"]):
            stale.append(f"{entry['package']}: reviewed for {entry['reviewed']}, {version} installed")
    return stale


def main() -> int:
    entries = yaml.safe_load(ADVISORIES.read_text(encoding="utf-8"))
    for entry in entries:
        for advisory in entry["advisories"]:
            verdict = "REACHES (mitigated: see why)" if advisory["reaches"] else "does not reach"
            print(f"{entry['package']} {entry['reviewed']}  {advisory['id']}: {verdict} - {advisory['why']}")
    stale = stale_entries(entries)
    for line in stale:
        print(f"review again: {line}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
