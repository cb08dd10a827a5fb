"""The schema lock: each table's CloudFormation identity, and the rules for changing it.

A table's identity (stack, logical id, physical name, keys, indexes, TTL) is
what decides whether a deploy updates it in place, fails, or replaces it and
loses its data. The lock records that identity per environment so a pull
request that would break it is stopped before review, with the safe path.

Plain Python over template dictionaries: only :mod:`schema_lock.templates`
imports CDK, and only when asked to synthesize.
"""

from schema_lock.cdk_diff import StatefulChange, parse_cdk_diff
from schema_lock.identity import Index, KeyPart, TableIdentity, Ttl, table_identities
from schema_lock.lockfile import LockError, lock_path, read_lock, render_lock, write_lock
from schema_lock.rules import Finding, compare

__all__ = [
    "Finding",
    "Index",
    "KeyPart",
    "LockError",
    "StatefulChange",
    "TableIdentity",
    "Ttl",
    "compare",
    "lock_path",
    "parse_cdk_diff",
    "read_lock",
    "render_lock",
    "table_identities",
    "write_lock",
]
