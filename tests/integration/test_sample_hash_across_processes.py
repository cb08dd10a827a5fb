"""The sample data's hash across processes: slow (four interpreters), so not a unit test."""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_set_in_the_sample_data_serializes_the_same_in_every_process():
    """Set order follows string hashing, which changes per process (PYTHONHASHSEED): the
    properties, and so the hash, must not, or every deploy would re-seed."""
    code = (
        "import json; from decimal import Decimal; from tests.unit.test_seeder_handler import *; "
        "samples = dict(SAMPLES); item = dict(SAMPLES['agent-profiles'][0]); "
        "item['skills'] = {'plumbing', 'gas', 'tiling', 'roofing', 'heating'}; "
        "item['scores'] = {Decimal('10'), Decimal('9.5'), Decimal('2')}; "
        "samples['agent-profiles'] = (item,); print(properties(samples)[PROPERTY_HASH])"
    )
    hashes = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(4)
    }
    assert len(hashes) == 1
