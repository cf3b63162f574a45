#!/usr/bin/env bash
# The README's install, seen by type checkers: install Vivace into a fresh virtualenv
# exactly as the README says (`pip install -e .` from the repository), then run
# mypy --strict and pyright (strict) on a small user project outside the repository.
# An editable install that hides the package behind an import hook (which neither
# checker follows) fails here: the imports go unresolved and the assert_type calls see
# Any/Unknown, and the deliberate error in bad.py goes unreported.
# The checkers are the CI virtualenv's (VIVACE_TOOLS overrides), pointed at the fresh
# environment's interpreter, as an editor's language server would be.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
tools="${VIVACE_TOOLS:-$repo/.venv/bin}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
(cd "$repo" && "$work/venv/bin/pip" install -q -e .)
python="$work/venv/bin/python"

# The console script and the import work from the fresh environment.
version="$("$work/venv/bin/vivace" meta version)"
test "$version" = "$("$python" -c 'import vivace; print(vivace.__version__)')"

# A wheel (what `pip install vivace` gets) carries the typing marker and every module
# its entry points name (the console script, the pytest plugin).
"$work/venv/bin/pip" wheel -q --no-deps -w "$work/dist" "$repo"
"$python" - "$work"/dist/vivace-*.whl <<'PY'
import configparser
import sys
import zipfile

wheel = zipfile.ZipFile(sys.argv[1])
names = set(wheel.namelist())
assert "vivace/py.typed" in names, "py.typed is missing from the wheel"
entry_points = configparser.ConfigParser()
[listing] = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
entry_points.read_string(wheel.read(listing).decode())
for group in entry_points.sections():
    for target in entry_points[group].values():
        path = target.split(":")[0].replace(".", "/")
        assert {f"{path}.py", f"{path}/__init__.py"} & names, f"{group}: {target} is not in the wheel"
PY

mkdir "$work/project"
cd "$work/project"
cat > pyrightconfig.json <<'JSON'
{"typeCheckingMode": "strict"}
JSON
cat > ok.py <<'PY'
from typing import assert_type

import vivace
from vivace import Table
from vivace.columns import Integer, Varchar


class Band(Table):
    name = Varchar(length=50)
    popularity = Integer()


def describe(band: Band) -> str:
    assert_type(band.name, str)
    return f"{band.name}: {band.popularity + 1}"


async def count_bands() -> int:
    return await Band.count()


assert_type(vivace.__version__, str)
PY
cat > bad.py <<'PY'
from ok import Band


def label(band: Band) -> str:
    return band.popularity  # the deliberate error: an int is not a str
PY

status=0
# Clean: the user file type-checks with the package visible.
"$tools/mypy" --strict --cache-dir "$work/mypy-cache" --python-executable "$python" ok.py || status=1
"$tools/pyright" --pythonpath "$python" ok.py || status=1

# The deliberate error must be reported by both, on its line (proof the types are read).
mypy_out="$("$tools/mypy" --strict --cache-dir "$work/mypy-cache" --python-executable "$python" bad.py || true)"
if ! grep -q '^bad.py:5: error: Incompatible return value type' <<<"$mypy_out"; then
    echo "mypy did not report the deliberate error in bad.py:"$'\n'"$mypy_out"
    status=1
fi
pyright_out="$("$tools/pyright" --pythonpath "$python" bad.py || true)"
if ! grep -q 'bad.py:5:12 - error' <<<"$pyright_out"; then
    echo "pyright did not report the deliberate error in bad.py:"$'\n'"$pyright_out"
    status=1
fi
if [ "$status" -eq 0 ]; then
    echo "check_install: the README install is visible to mypy and pyright (vivace $version)"
fi
exit "$status"
