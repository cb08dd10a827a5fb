"""Every AWS call a command makes, recorded, and the IAM permissions each one needs.

``recording()`` hooks botocore's ``before-parameter-build`` event on boto3's default
session, which every client ``ddbctl`` builds comes from, so nothing a command sends is
missed. ``requirements()`` turns a call into IAM actions on resource ARNs, with the
request context the conditions we use read (``dynamodb:LeadingKeys``, ``kms:ViaService``),
plus what AWS documents a call needs besides what it names. A call it cannot map fails
the test, naming the operation, so a new kind of call is never silently allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.loaders
import botocore.session

from catalog.consumers import RESTORE_TARGET_DATA_ACTIONS, RESTORED_SUFFIX
from tests.iam.policy import Requirement


@dataclass(frozen=True)
class Call:
    service: str
    operation: str
    params: Mapping[str, Any]
    region: str

    def __str__(self) -> str:
        return f"{self.service}:{self.operation}"


# One loader for every session a test makes: each botocore session otherwise reads and
# parses the service models from disk again, which costs more than the calls.
_LOADER = botocore.loaders.create_loader()


def session(*, region: str | None = None) -> boto3.session.Session:
    """A new boto3 session sharing the process's loaded service models."""
    core = botocore.session.get_session()
    core.register_component("data_loader", _LOADER)
    return boto3.session.Session(botocore_session=core, region_name=region)


@contextmanager
def recording() -> Iterator[list[Call]]:
    """Record the calls of every client made from boto3's default session meanwhile.

    A fresh default session is set up, so clients made before (test setup) are not
    recorded; botocore copies a session's handlers into each client it creates.
    """
    calls: list[Call] = []

    def record(params, model, context, **_):
        calls.append(
            Call(
                service=model.service_model.service_name,
                operation=model.name,
                params=dict(params),
                region=context.get("client_region") or "",
            )
        )

    previous = boto3.DEFAULT_SESSION
    boto3.DEFAULT_SESSION = session()
    boto3.DEFAULT_SESSION.events.register("before-parameter-build", record)
    try:
        yield calls
    finally:
        boto3.DEFAULT_SESSION = previous


class UnmappedCallError(Exception):
    """A call whose IAM action and resource this module does not know yet."""


@dataclass(frozen=True)
class Account:
    """What turning names into ARNs needs: where, and which key encrypts what.

    ``table_key`` gives the partition key attribute of a table by physical name (for
    ``dynamodb:LeadingKeys``); ``key_arn`` the KMS key ARN behind an alias or key id.
    """

    account: str
    region: str
    data_key_arn: str
    partition_key: Callable[[str], str]
    aliases: Mapping[str, str] = field(default_factory=dict)
    partition: str = "aws"

    def table_arn(self, name_or_arn: str) -> str:
        if name_or_arn.startswith("arn:"):
            return name_or_arn
        return f"arn:{self.partition}:dynamodb:{self.region}:{self.account}:table/{name_or_arn}"

    def bucket_arn(self, bucket: str, key: str | None = None) -> str:
        base = f"arn:{self.partition}:s3:::{bucket}"
        return base if key is None else f"{base}/{key}"

    def key_arn(self, key_id: str) -> str:
        if key_id.startswith("arn:") and ":alias/" not in key_id:
            return key_id
        if key_id.startswith("alias/") or ":alias/" in key_id:
            alias = key_id[key_id.index("alias/") :]
            return self.aliases[alias]
        return f"arn:{self.partition}:kms:{self.region}:{self.account}:key/{key_id}"

    def via(self, service: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return (("kms:ViaService", (f"{service}.{self.region}.amazonaws.com",)),)


# What this project's tables need of the data key (docs/access.md): reads decrypt, writes
# encrypt and generate data keys; DynamoDB calls KMS as the caller, through its endpoint.
KMS_FOR_READS = ("kms:Decrypt",)
KMS_FOR_WRITES = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")
# SSE-KMS on the staging bucket: S3 calls KMS as the caller.
KMS_FOR_OBJECT_READS = ("kms:Decrypt",)
KMS_FOR_OBJECT_WRITES = ("kms:Decrypt", "kms:GenerateDataKey")
READ_ITEMS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan"})
WRITE_ITEMS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"})
ACCOUNT_WIDE = frozenset({"ListTables", "ListBulkOperations", "ListBackups", "ListExports"})
OWN_RESOURCE = {  # the parameter that is itself the resource ARN
    "TagResource": "ResourceArn",
    "UntagResource": "ResourceArn",
    "ListTagsOfResource": "ResourceArn",
    "DescribeExport": "ExportArn",
    "DescribeBulkOperation": "BulkOperationArn",
    "CancelBulkOperation": "BulkOperationArn",
    "RestoreTableFromBackup": "BackupArn",
    "DescribeBackup": "BackupArn",
    "DeleteBackup": "BackupArn",
}
# Export (AWS: "Requesting a table export"): the caller needs these on the destination.
EXPORT_WRITE_ACTIONS = ("s3:AbortMultipartUpload", "s3:PutObject", "s3:PutObjectAcl")
OBJECT_READS = {"GetObject": "s3:GetObject", "HeadObject": "s3:GetObject"}
OBJECT_WRITES = {
    "PutObject": "s3:PutObject",
    "CreateMultipartUpload": "s3:PutObject",
    "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject",
}
BUCKET_READS = {"ListObjectsV2": "s3:ListBucket", "ListObjects": "s3:ListBucket"}
BUCKET_READS |= {"HeadBucket": "s3:ListBucket"}


def requirements(call: Call, account: Account) -> list[Requirement]:
    """The permissions ``call`` needs, the call's own first."""
    mapper = _SERVICES.get(call.service)
    if mapper is None:
        raise UnmappedCallError(f"no IAM mapping for {call}: add the service to tests/iam/calls.py")
    return mapper(call, account)


def _dynamodb(call: Call, account: Account) -> list[Requirement]:
    operation, params = call.operation, call.params
    action = f"dynamodb:{operation}"
    if operation in ("BatchWriteItem", "BatchGetItem"):
        found = []
        for table, entries in params["RequestItems"].items():
            keys = _batch_keys(operation, entries, account.partition_key(_name(table)))
            found.append(_item_requirement(action, account.table_arn(table), keys))
            found += _table_key_use(operation, table, account)
        return found
    if operation in ("GetItem", "PutItem", "DeleteItem", "UpdateItem"):
        table = params["TableName"]
        item = params["Key"] if "Key" in params else params["Item"]
        leading = _string_value(item[account.partition_key(_name(table))])
        return [
            _item_requirement(action, account.table_arn(table), (leading,)),
            *_table_key_use(operation, table, account),
        ]
    if operation in ("Query", "Scan"):
        table = params["TableName"]
        resource = account.table_arn(table)
        if params.get("IndexName"):
            resource += f"/index/{params['IndexName']}"
        return [Requirement(action, resource), *_table_key_use(operation, table, account)]
    if operation in ACCOUNT_WIDE:
        return [Requirement(action, "*")]
    if operation == "RestoreTableToPointInTime":
        source = params.get("SourceTableArn") or params["SourceTableName"]
        return [Requirement(action, account.table_arn(source)), *_restore_target(call, account)]
    if operation == "ExportTableToPointInTime":
        return [Requirement(action, account.table_arn(params["TableArn"])), *_export(call, account)]
    if operation == "StartBulkPutItems":
        return [
            Requirement(action, account.table_arn(params["TableName"])),
            *_bulk_put_objects(call, account),
        ]
    if operation in OWN_RESOURCE:
        found = [Requirement(action, params[OWN_RESOURCE[operation]])]
        if operation == "RestoreTableFromBackup":
            found += _restore_target(call, account)
        return found
    if "TableName" in params:
        return [Requirement(action, account.table_arn(params["TableName"]))]
    raise UnmappedCallError(f"no IAM mapping for {call}: add it to tests/iam/calls.py")


def _name(table: str) -> str:
    return table.rsplit("table/", 1)[-1] if table.startswith("arn:") else table


def _string_value(value: Mapping[str, Any]) -> str:
    ((kind, text),) = value.items()
    if kind not in ("S", "N"):
        raise UnmappedCallError(f"a {kind} partition key cannot be matched by LeadingKeys")
    return str(text)


def _batch_keys(operation: str, entries: Any, partition_key: str) -> tuple[str, ...]:
    if operation == "BatchGetItem":
        return tuple(_string_value(key[partition_key]) for key in entries["Keys"])
    keys = []
    for request in entries:
        item = request["PutRequest"]["Item"] if "PutRequest" in request else None
        item = item or request["DeleteRequest"]["Key"]
        keys.append(_string_value(item[partition_key]))
    return tuple(keys)


def _item_requirement(action: str, arn: str, leading: tuple[str, ...]) -> Requirement:
    return Requirement(action, arn, context=(("dynamodb:LeadingKeys", leading),))


def _table_key_use(operation: str, table: str, account: Account) -> list[Requirement]:
    actions = KMS_FOR_WRITES if operation in WRITE_ITEMS else KMS_FOR_READS
    because = f"{operation} on {_name(table)}: the table's key, through DynamoDB"
    return [Requirement(a, account.data_key_arn, account.via("dynamodb"), because) for a in actions]


def _restore_target(call: Call, account: Account) -> list[Requirement]:
    """AWS's restore permissions: data-plane actions on the target table; with an
    encryption override, the key's use through DynamoDB for the new table."""
    target = account.table_arn(call.params["TargetTableName"])
    because = f"{call.operation}: AWS requires these on the target table"
    found = [Requirement(action, target, because=because) for action in RESTORE_TARGET_DATA_ACTIONS]
    override = call.params.get("SSESpecificationOverride") or {}
    if override.get("KMSMasterKeyId"):
        key = account.key_arn(override["KMSMasterKeyId"])
        why = f"{call.operation} with a customer managed key: DynamoDB creates a grant for it"
        found += [
            Requirement(action, key, account.via("dynamodb"), why)
            for action in ("kms:CreateGrant", "kms:DescribeKey", *KMS_FOR_WRITES)
        ]
    return found


def _export(call: Call, account: Account) -> list[Requirement]:
    """AWS's export permissions: the caller may write the destination prefix."""
    bucket, prefix = call.params["S3Bucket"], call.params.get("S3Prefix", "")
    objects = account.bucket_arn(bucket, f"{prefix}/AWSDynamoDB/01234567890123-abcdefgh/data/x")
    because = "ExportTableToPointInTime writes the export as the caller"
    return [
        *(Requirement(action, objects, because=because) for action in EXPORT_WRITE_ACTIONS),
        *_object_key_use(KMS_FOR_OBJECT_WRITES, account, because),
    ]


def _bulk_put_objects(call: Call, account: Account) -> list[Requirement]:
    """The bulk put reads its input and writes its reports as the caller (the choice in
    docs/decisions.md: AWS's own permissions section could not be read here)."""
    source = call.params["InputS3Configuration"]
    output = call.params["OutputS3Configuration"]
    because = "StartBulkPutItems reads the input and writes the reports as the caller"
    input_prefix = source.get("S3KeyPrefix", "")
    report_prefix = output.get("S3KeyPrefix", "")
    return [
        Requirement("s3:ListBucket", account.bucket_arn(source["S3Bucket"]), because=because),
        Requirement(
            "s3:GetObject",
            account.bucket_arn(source["S3Bucket"], f"{input_prefix}part-00000.json.gz"),
            because=because,
        ),
        Requirement(
            "s3:PutObject",
            account.bucket_arn(output["S3Bucket"], f"{report_prefix}errors-00000.json"),
            because=because,
        ),
        *_object_key_use(KMS_FOR_OBJECT_WRITES, account, because),
    ]


def _object_key_use(actions: tuple[str, ...], account: Account, because: str) -> list[Requirement]:
    return [
        Requirement(action, account.data_key_arn, account.via("s3"), because) for action in actions
    ]


def _s3(call: Call, account: Account) -> list[Requirement]:
    operation, params = call.operation, call.params
    if operation in BUCKET_READS:
        return [Requirement(BUCKET_READS[operation], account.bucket_arn(params["Bucket"]))]
    objects = account.bucket_arn(params["Bucket"], params.get("Key", ""))
    if operation in OBJECT_READS:
        uses = _object_key_use(KMS_FOR_OBJECT_READS, account, f"{operation}: SSE-KMS")
        return [Requirement(OBJECT_READS[operation], objects), *uses]
    if operation in OBJECT_WRITES:
        uses = _object_key_use(KMS_FOR_OBJECT_WRITES, account, f"{operation}: SSE-KMS")
        return [Requirement(OBJECT_WRITES[operation], objects), *uses]
    if operation == "AbortMultipartUpload":
        return [Requirement("s3:AbortMultipartUpload", objects)]
    if operation == "DeleteObject":
        return [Requirement("s3:DeleteObject", objects)]
    raise UnmappedCallError(f"no IAM mapping for {call}: add it to tests/iam/calls.py")


def _kms(call: Call, account: Account) -> list[Requirement]:
    if call.operation == "DescribeKey":
        return [Requirement("kms:DescribeKey", account.key_arn(call.params["KeyId"]))]
    raise UnmappedCallError(f"no IAM mapping for {call}: add it to tests/iam/calls.py")


def _sts(call: Call, account: Account) -> list[Requirement]:
    if call.operation == "GetCallerIdentity":
        return []  # needs no permission
    raise UnmappedCallError(f"no IAM mapping for {call}: add it to tests/iam/calls.py")


_SERVICES: dict[str, Callable[[Call, Account], list[Requirement]]] = {
    "dynamodb": _dynamodb,
    "s3": _s3,
    "kms": _kms,
    "sts": _sts,
}


def restored_base(table_name: str) -> str:
    """``prod-x-restored-20261201T093500Z`` -> ``prod-x``: a restored copy's source name."""
    head, marker, _ = table_name.partition(RESTORED_SUFFIX.rstrip("*"))
    return head if marker else table_name
