"""moto, made to answer as DynamoDB does where the permission check depends on it.

- Restores drop the request's ``SSESpecificationOverride``: the restored table would
  describe no KMS key, and ``verify``'s ``sse kms`` check (strict against AWS) would fail
  a restore AWS would pass.
- Export ARNs come out as ``table/<table ARN>/import/<id>``; AWS names them
  ``table/<name>/export/<id>`` (the Service Authorization Reference's ``export``
  resource), and the recovery operator's ``DescribeExport`` grant is on that shape.
- Exports finish on a thread of their own; here they finish before the call returns, so
  ``copy --via-s3`` does not wait out its poll interval.
"""

from __future__ import annotations

from typing import Any

import pytest
from moto.dynamodb.models.table_export import TableExport
from moto.dynamodb.responses import DynamoHandler

RESTORES = ("restore_table_to_point_in_time", "restore_table_from_backup")


def behave_like_dynamodb(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in RESTORES:
        original = getattr(DynamoHandler, name)

        def restore(self: DynamoHandler, _original: Any = original) -> Any:
            result = _original(self)
            override = self.body.get("SSESpecificationOverride")
            if override:
                table = self.dynamodb_backend.get_table(self.body["TargetTableName"])
                table.sse_specification = dict(override)
            return result

        monkeypatch.setattr(DynamoHandler, name, restore)

    original_init = TableExport.__init__

    def export_init(self: TableExport, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.arn = f"{self.table.table_arn}/export/{self.arn.rsplit('/', 1)[1]}"

    monkeypatch.setattr(TableExport, "__init__", export_init)
    monkeypatch.setattr(TableExport, "start", TableExport.run)
