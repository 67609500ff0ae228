#!/usr/bin/env bash
# Mutation testing of the model core with mutmut (configured in pyproject.toml [tool.mutmut]):
# the vote rule, the favour ledger, vote codes, alignment measures and seeds.
#
#   tools/mutation.sh            run every mutant, then print the results
#   tools/mutation.sh results    print the last results again
#
# It works in a copy of the repository (mutmut writes a mutants/ tree next to the sources),
# under ${MUTATION_DIR:-/tmp/alliance-sim-mutation}, with the venv's mutmut. On two cores a
# full run takes about 10-20 minutes. Not part of CI's every run.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$here/.venv/bin/python}"
work="${MUTATION_DIR:-/tmp/alliance-sim-mutation}"
children="${MUTATION_CHILDREN:-2}"

if [[ "${1:-run}" == "run" ]]; then
    rm -rf "$work"
    mkdir -p "$work"
    # tracked files only (plus uncommitted edits), never results or the venv
    git -C "$here" ls-files -z --cached --others --exclude-standard \
        | (cd "$here" && xargs -0 cp --parents -t "$work")
    cd "$work"
    "$python" -m mutmut run --max-children "$children" || true
else
    cd "$work"
fi
"$python" - <<'PY'
"""Per-file counts, the score and the surviving mutants (a mutant no test reaches counts as
surviving; a timeout counts as killed, as in mutmut's own summary)."""
import collections
import json
import pathlib

from mutmut.stats import status_by_exit_code

by_file: dict[str, collections.Counter[str]] = {}
left = []
for meta in sorted(pathlib.Path("mutants").rglob("*.py.meta")):
    source = str(meta.relative_to("mutants"))[: -len(".meta")]
    counts = by_file.setdefault(source, collections.Counter())
    for key, code in json.loads(meta.read_text()).get("exit_code_by_key", {}).items():
        status = status_by_exit_code[code]
        counts[status] += 1
        if status in ("survived", "no tests", "suspicious"):
            left.append(f"{status:9} {key}")
total: collections.Counter[str] = collections.Counter()
for source, counts in by_file.items():
    total.update(counts)
    print(f"{source:28} {dict(counts)}")
killed = total["killed"] + total["timeout"] + total["caught by type check"] + total["segfault"]
alive = total["survived"] + total["no tests"] + total["suspicious"]
print(f"killed {killed}, not killed {alive}, score {killed / max(killed + alive, 1):.1%}")
print("\n".join(left))
PY
