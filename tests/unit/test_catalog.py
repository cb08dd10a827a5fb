"""The catalog's self-check: every pattern is served by a key, names are legal.

Every check runs over whatever tables the catalog holds; the seed tables' own
shapes are in tests/test_seed_spec.py.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import catalog
from catalog import Operation, Projection

GSI_LIMIT = 20
NAME_RULE = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
SPECS = {spec.key: spec for spec in catalog.TABLES}


def test_every_table_is_listed_once_under_its_own_application():
    assert len(SPECS) == len(catalog.TABLES)
    for application, specs in catalog.APPLICATIONS.items():
        assert all(spec.application == application for spec in specs)


@pytest.mark.parametrize("spec", catalog.TABLES, ids=lambda s: s.key)
def test_every_access_pattern_is_served_by_a_key_never_a_scan(spec):
    for pattern in spec.access_patterns:
        assert pattern.operation in (Operation.GET, Operation.QUERY)
        if pattern.index is None:
            partition, sort = spec.partition_key, spec.sort_key
        else:
            index = spec.index(pattern.index)
            partition, sort = index.partition_key, index.sort_key
        # The key condition must pin the partition key with equality.
        assert pattern.key_condition == f"#{partition.name} = :{partition.name}", pattern.name
        supplied = set(pattern.parameters) | {name for name, _ in pattern.fixed}
        assert partition.name in supplied, pattern.name
        if pattern.operation is Operation.GET:
            assert pattern.index is None, f"{pattern.name}: GetItem cannot use an index"
            assert sort is None or sort.name in supplied, pattern.name
        if not pattern.scan_forward:
            assert sort is not None, f"{pattern.name}: descending order needs a sort key"


@pytest.mark.parametrize("spec", catalog.TABLES, ids=lambda s: s.key)
def test_every_key_attribute_has_exactly_one_type(spec):
    declared: dict[str, set[str]] = {}
    keys = [spec.partition_key, spec.sort_key]
    for index in spec.global_indexes:
        keys += [index.partition_key, index.sort_key]
    for key in filter(None, keys):
        declared.setdefault(key.name, set()).add(key.type.value)
    conflicting = {name: types for name, types in declared.items() if len(types) > 1}
    assert not conflicting


@pytest.mark.parametrize("spec", catalog.TABLES, ids=lambda s: s.key)
def test_names_obey_dynamodb_rules(spec):
    for environment in ("dev", "staging", "prod"):
        assert NAME_RULE.match(spec.physical_name(environment))
    index_names = [index.name for index in spec.global_indexes]
    assert len(index_names) == len(set(index_names))
    for name in index_names:
        assert NAME_RULE.match(name), name
    for attribute in spec.key_attributes():
        assert 1 <= len(attribute.name.encode()) <= 255
    if spec.ttl_attribute:
        assert 1 <= len(spec.ttl_attribute) <= 255
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", spec.construct_id)


@pytest.mark.parametrize("spec", catalog.TABLES, ids=lambda s: s.key)
def test_no_table_exceeds_the_gsi_limit(spec):
    assert len(spec.global_indexes) <= GSI_LIMIT
    for index in spec.global_indexes:
        if index.projection is Projection.INCLUDE:
            assert index.non_key_attributes
        else:
            assert not index.non_key_attributes


def test_pattern_names_are_unique_across_the_catalog():
    names = [p.name for spec in catalog.TABLES for p in spec.access_patterns]
    assert len(names) == len(set(names))
    assert set(catalog.access_patterns()) == set(names)


def test_unknown_table_lookup_lists_valid_tables():
    valid = ", ".join(spec.key for spec in catalog.TABLES)
    with pytest.raises(KeyError, match=f"valid tables: {re.escape(valid)}"):
        catalog.table("nope")


def test_catalog_has_no_cdk_or_boto_import():
    for path in Path(catalog.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("aws_cdk", "constructs", "boto3", "botocore")), path
