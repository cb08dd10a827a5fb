"""The seeder Lambda's asset holds what the Lambda runs and nothing else: no
local-server or CLI code (issue 15). No synth: the asset is staged directly."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import catalog
from catalog.samples import SAMPLES
from cdk_constructs.sample_data_seeder import HANDLER_DIR, stage_asset
from ddbio.seeding import build_properties
from settings import load_from_cdk_json

# What the Lambda runtime provides besides the standard library.
RUNTIME_PACKAGES = frozenset({"boto3", "botocore"})
# Words only local-server or CLI code has any business saying.
FORBIDDEN_TEXT = ("DynamoDBLocal", "moto", "subprocess", "argparse", "LOCAL_CREDENTIALS")


@pytest.fixture(scope="module")
def asset(tmp_path_factory) -> Path:
    return stage_asset(tmp_path_factory.mktemp("asset"))


def module_name(asset: Path, path: Path) -> str:
    parts = path.relative_to(asset).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Absolute names of the modules a file imports (``from x import y`` counts x and x.y)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, base] if base else package)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_the_asset_bundles_only_what_the_handler_imports(asset):
    files = {module_name(asset, path): path for path in asset.rglob("*.py")}
    reached, pending, outside = set(), ["handler"], set()
    while pending:
        module = pending.pop()
        if module in reached:
            continue
        reached.add(module)
        path = files[module]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name in imported(tree, module, path.name == "__init__.py"):
            parents = [".".join(name.split(".")[:n]) for n in range(1, name.count(".") + 2)]
            local = [parent for parent in parents if parent in files]
            pending += local
            if not local:
                outside.add(name.split(".")[0])
    assert sorted(set(files) - reached) == [], "bundled but never imported by the handler"
    assert outside - RUNTIME_PACKAGES - set(sys.stdlib_module_names) - {"__future__"} == set()


def test_the_asset_holds_no_local_server_or_cli_code(asset):
    listing = sorted(str(path.relative_to(asset)) for path in asset.rglob("*") if path.is_file())
    assert "ddbio/seeding.py" in listing and "handler.py" in listing
    assert not [p for p in listing if "local_server" in p or "table_definitions" in p]
    assert not [p for p in listing if p.split("/")[0] in ("ddbctl", "settings", "stacks")]
    for relative in listing:
        text = (asset / relative).read_text(encoding="utf-8")
        assert [word for word in FORBIDDEN_TEXT if word in text] == [], relative


def load_handler_module():
    spec = importlib.util.spec_from_file_location("seeder_handler", HANDLER_DIR / "handler.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lambda_entry_point_seeds_through_the_same_code(client):
    config = load_from_cdk_json("dev")
    names = {key: config.table_name(catalog.table(key)) for key in SAMPLES}
    handler = load_handler_module()
    properties = build_properties(table_names=names, samples=SAMPLES)
    response = handler.on_event({"RequestType": "Create", "ResourceProperties": properties}, None)
    assert response == {
        "PhysicalResourceId": "sample-data",
        "Data": {"ItemsWritten": sum(len(items) for items in SAMPLES.values()), "ItemsDeleted": 0},
    }
    logs = client.scan(TableName=names["request_processing_logs"])["Items"]
    assert len(logs) == len(SAMPLES["request_processing_logs"])


def test_lambda_asset_is_self_contained_and_deterministic(tmp_path):
    first = stage_asset(_fresh(tmp_path / "a"))
    second = stage_asset(_fresh(tmp_path / "b"))
    listing = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    assert listing == sorted(str(p.relative_to(second)) for p in second.rglob("*") if p.is_file())
    assert "handler.py" in listing and "ddbio/seeding.py" in listing
    assert "catalog/samples/root_orchestrator.py" in listing
    assert not [p for p in listing if "__pycache__" in p or p.endswith(".pyc")]
    for relative in listing:
        assert (first / relative).read_bytes() == (second / relative).read_bytes()
    # Import the handler with only the asset (and site-packages' boto3) on the path.
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); import handler, catalog, ddbio.seeding; "
        "assert catalog.__file__.startswith(sys.argv[1]), catalog.__file__; "
        "assert ddbio.seeding.__file__.startswith(sys.argv[1]); print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(first)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def _fresh(path):
    path.mkdir()
    return path
