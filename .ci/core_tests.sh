#!/usr/bin/env bash
# The core (non-UI) tests on the oldest and newest Python that pyenv offers (3.10 and 3.13 on this
# image), each in its own venv with every runtime and test dependency except Qt.
# Usage: bash .ci/core_tests.sh [VERSION...]   (default: 3.10 3.13)
set -euo pipefail
cd "$(dirname "$0")/.."
versions=("$@")
[ "${#versions[@]}" -gt 0 ] || versions=(3.10 3.13)
root="$(pyenv root)"
venvs="${STUDYAPP_CI_VENVS:-$HOME/.cache/studyapp-ci}"
# Runtime deps + the test extra from pyproject.toml, without PySide6 and pytest-qt (core tests import no Qt).
mapfile -t deps < <(python - <<'PY'
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
for spec in project["dependencies"] + project["optional-dependencies"]["test"]:
    if not spec.lower().startswith(("pyside6", "pytest-qt")):
        print(spec.split(";")[0].strip())
PY
)
for version in "${versions[@]}"; do
    interpreter="$(ls -d "$root"/versions/"$version".*/bin/python 2>/dev/null | sort -V | tail -1)"
    if [ -z "$interpreter" ]; then
        echo "core tests: no Python $version under $root" >&2
        exit 1
    fi
    venv="$venvs/core-$version"
    [ -x "$venv/bin/python" ] || "$interpreter" -m venv "$venv"
    # (pip warns about every local index page lacking a package: noise, filtered)
    "$venv/bin/python" -m pip install --quiet "setuptools>=68" "${deps[@]}" 2> >(grep -v "is ignored: it is neither" >&2)
    "$venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e . 2> >(grep -v "is ignored: it is neither" >&2)
    echo "core tests on $("$venv/bin/python" --version)"
    "$venv/bin/python" -m pytest -q -p no:cacheprovider --ignore=tests/ui --ignore=tests/packaging
done
