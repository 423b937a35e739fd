"""axe-core in the browser tests: inject the pinned axe.min.js into a page, run the WCAG 2.2 AA rules, keep the
full results for people to read, and fail on any serious or critical violation.

`scripts/install-test-deps.sh` installs the pinned axe-core from npm into `.cache/axe` (git-ignored).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import OUTPUT_DIR

ROOT = Path(__file__).resolve().parents[2]
AXE_PACKAGE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core"
AXE_SCRIPT = AXE_PACKAGE / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = ("serious", "critical")
INSTALLER = ROOT / "scripts" / "install-test-deps.sh"


def pinned_version() -> str:
    """Return the axe-core version `scripts/install-test-deps.sh` installs."""
    match = re.search(r'^AXE_CORE_VERSION="([^"]+)"', INSTALLER.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{INSTALLER} does not pin AXE_CORE_VERSION"
    return match.group(1)


def axe_version() -> str:
    """Return the installed axe-core version; fails the test with the fix if it is missing or not the pinned one."""
    fix = "run scripts/install-test-deps.sh (`make test` does)"
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core is not installed at {AXE_SCRIPT}: {fix}.")
    version = json.loads((AXE_PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
    if version != pinned_version():
        pytest.fail(f"axe-core {version} is installed but {pinned_version()} is pinned: {fix}.")
    return version


def run_axe(page) -> dict:
    """Inject axe-core into `page` (once) and return the results of the WCAG A/AA rules on the whole document.

    Violations and "needs review" (incomplete) results list every node; passes and inapplicable rules are listed
    by rule with one example node each (axe's `resultTypes`), which halves the time axe takes on a long page.
    """
    axe_version()
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol: the app's Content-Security-Policy rightly refuses
        # an inline <script> tag, and the test should not weaken the policy it checks the page under.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations', 'incomplete']})",
        WCAG_TAGS,
    )


def describe(violations: list[dict]) -> str:
    """Return the violations as readable lines: rule, impact, help and the selectors of every node."""
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
    return "\n".join(lines)


def assert_accessible(page, name: str, output_dir: Path | None = None) -> dict:
    """Run axe-core on `page`, write the full results to `<output_dir>/axe-<name>.json` (default: test-output/),
    and fail on any serious or critical violation, listing rule id, impact, help and the target selectors.

    Returns the results, so a test can also look at the moderate and minor ones.
    """
    output_dir = output_dir or OUTPUT_DIR
    output_dir.mkdir(exist_ok=True)
    results = run_axe(page)
    results["axeCoreVersion"] = axe_version()
    (output_dir / f"axe-{name}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    failing = [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]
    assert not failing, f"axe-core found serious or critical violations on {name} ({page.url}):\n{describe(failing)}"
    return results
