#!/usr/bin/env bash
# Known vulnerabilities in the pinned dependencies (constraints.txt), with pip-audit.
#   - Every pin is exact, so pip-audit checks the list as it is: no install, no resolver
#     (--no-deps --disable-pip).
#   - Accepted advisories are listed in .pip-audit-ignore with their reasons; each becomes an
#     --ignore-vuln flag.
#   - Fails when a pinned package has a known vulnerability that is not accepted there.
#   - When the vulnerability service cannot be reached (PyPI's per-release JSON API; some
#     networks and mirrors do not serve it), nothing can be audited: that is reported loudly
#     and fails only with DSAR_PIP_AUDIT_REQUIRED=1, so that an unreachable service does not
#     block every change. The JSON report is kept in artefacts/ci/pip-audit.json.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PIP_AUDIT=${PIP_AUDIT:-.venv/bin/pip-audit}
PY=${PY:-.venv/bin/python}
REPORT_DIR=artefacts/ci
REPORT=$REPORT_DIR/pip-audit.json
mkdir -p "$REPORT_DIR"

ignore_flags=()
while read -r id _rest; do
    ignore_flags+=(--ignore-vuln "$id")
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' .pip-audit-ignore)

set +e
"$PIP_AUDIT" --requirement constraints.txt --no-deps --disable-pip --progress-spinner off \
    --format json --output "$REPORT" "${ignore_flags[@]}" 2>"$REPORT_DIR/pip-audit.stderr"
status=$?
set -e

"$PY" - "$REPORT" "$status" "${DSAR_PIP_AUDIT_REQUIRED:-0}" <<'PY'
import json
import sys

report_path, status, required = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
try:
    with open(report_path) as handle:
        report = json.load(handle)
except (OSError, ValueError):
    print(f"pip-audit: no report (exit code {status}); see artefacts/ci/pip-audit.stderr")
    sys.exit(1)
deps = report.get("dependencies", [])
skipped = [d for d in deps if d.get("skip_reason")]
vulnerable = [d for d in deps if d.get("vulns")]
audited = len(deps) - len(skipped)
for dep in vulnerable:
    for vuln in dep["vulns"]:
        fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
        print(f"pip-audit: {dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixes})")
print(
    f"pip-audit: {len(deps)} pinned packages, {audited} audited, {len(skipped)} not audited, "
    f"{len(vulnerable)} with a known vulnerability not accepted in .pip-audit-ignore"
)
if vulnerable:
    sys.exit(1)
if skipped:
    print(
        "pip-audit: WARNING: the vulnerability service could not be reached for "
        f"{len(skipped)} package(s) (e.g. {skipped[0]['skip_reason']}); they were NOT audited."
    )
    if required:
        sys.exit(1)
sys.exit(0)
PY
