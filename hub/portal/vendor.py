"""The browser libraries the hub serves itself, copied from npm's node_modules by `make`.

package.json pins them; `npm ci` installs them into node_modules/ and
`python -m hub.portal.vendor` copies the files below (and their licences) into
hub/portal/static/vendor/, which is git-ignored. Nothing is fetched at run time.
Standard library only: the Makefile runs this before the virtualenv exists.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

VENDOR_DIR = Path(__file__).parent / "static" / "vendor"

# Served name -> path under node_modules. UMD builds: they load with a plain <script> tag.
VENDOR_FILES = {
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    "chart.js.LICENSE.md": "chart.js/LICENSE.md",
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "react.LICENSE": "react/LICENSE",
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "graphiql.min.css": "graphiql/graphiql.min.css",
    "graphiql.LICENSE": "graphiql/LICENSE",
}


def missing_files(directory: Path = VENDOR_DIR) -> list[str]:
    """Served names not present in `directory` (empty once `make` has run)."""
    return [name for name in VENDOR_FILES if not (directory / name).is_file()]


def copy_vendor_files(node_modules: Path, directory: Path = VENDOR_DIR) -> None:
    """Copy every file of VENDOR_FILES from `node_modules` into `directory`."""
    absent = [source for source in VENDOR_FILES.values() if not (node_modules / source).is_file()]
    if absent:
        raise SystemExit(f"not in {node_modules} (run `npm ci`): {', '.join(absent)}")
    directory.mkdir(parents=True, exist_ok=True)
    for name, source in VENDOR_FILES.items():
        shutil.copyfile(node_modules / source, directory / name)


if __name__ == "__main__":
    copy_vendor_files(Path(sys.argv[1] if len(sys.argv) > 1 else "node_modules"))
