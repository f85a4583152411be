"""The layers of DESIGN.md, checked from the source: dependencies point one way, so the
workflow sandbox never loads effects and a client never reaches into a worker's code."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {
    "durable_agents",
    "protocol",
    "connection",
    "workflows",
    "activities",
    "worker",
    "client",
    "runner",
}
MAY_IMPORT = {
    "durable_agents": set(),
    "protocol": {"durable_agents"},
    "workflows": {"durable_agents", "protocol"},
    "connection": {"durable_agents", "protocol"},
    "activities": {"durable_agents", "protocol", "connection"},
    "client": {"durable_agents", "protocol", "connection"},
    "worker": {"durable_agents", "protocol", "connection", "workflows", "activities", "client"},
    "runner": {
        "durable_agents",
        "protocol",
        "connection",
        "workflows",
        "activities",
        "client",
        "worker",
    },
}


def _imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & OURS


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_a_package_imports_only_the_layers_below_it(package):
    wrong = {
        str(path.relative_to(ROOT)): sorted(
            _imported_packages(path) - MAY_IMPORT[package] - {package}
        )
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {path: names for path, names in wrong.items() if names} == {}
