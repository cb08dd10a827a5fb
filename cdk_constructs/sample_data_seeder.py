"""Deployment-time sample data: a Python Lambda behind the CDK Provider framework."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Mapping
from modulefinder import ModuleFinder
from pathlib import Path

from aws_cdk import Acknowledgment, CustomResource, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import custom_resources as cr
from constructs import Construct

from compliance.checkov_skips import CheckovSkip, skip_checkov
from ddbio.seeding import PROPERTY_TABLES, build_properties

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HANDLER_DIR = PROJECT_ROOT / "lambda" / "seeder"
# The project packages the handler may import; only the modules it does import are
# copied beside it. boto3 is the runtime's own.
BUNDLED_PACKAGES = ("catalog", "ddbio")
# The newest Python runtime aws-cdk-lib 2.275.0 knows (cdk-nag L1 wants the newest);
# tests/test_seeder_templates.py fails when an upgrade brings a newer one.
SEEDER_RUNTIME = lambda_.Runtime.PYTHON_3_14
# Worst case per BatchWriteItem batch with ddbio's default BackoffPolicy is ~11 s of
# backoff; the sample set needs about a dozen batches, so 5 minutes never cuts a
# healthy run short while a stuck one still fails the deploy instead of hanging.
SEEDER_TIMEOUT = Duration.minutes(5)
SEEDER_MEMORY_MB = 256


def handler_modules() -> list[Path]:
    """The project source files the handler imports, directly or not, found by following
    its imports (``modulefinder``, with only the project on its path)."""
    finder = ModuleFinder(path=[str(PROJECT_ROOT)])
    finder.run_script(str(HANDLER_DIR / "handler.py"))
    roots = [PROJECT_ROOT / package for package in BUNDLED_PACKAGES]
    found = {Path(module.__file__) for module in finder.modules.values() if module.__file__}
    return sorted(path for path in found if any(path.is_relative_to(root) for root in roots))


def stage_asset(destination: Path) -> Path:
    """Lay out the Lambda asset: ``handler.py`` at the root, and beside it exactly the
    modules it imports, so code only the CLI runs never ships in the Lambda.

    Only source files are copied, so the asset hash depends on code alone.
    """
    for source in sorted(HANDLER_DIR.glob("*.py")):
        shutil.copy2(source, destination / source.name)
    for source in handler_modules():
        target = destination / source.relative_to(PROJECT_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return destination


def _staged_asset() -> str:
    staging = Path(tempfile.mkdtemp(prefix="seeder-asset-"))
    atexit.register(shutil.rmtree, staging, ignore_errors=True)
    return str(stage_asset(staging))


class SampleDataSeeder(Construct):
    """Upserts the catalog's sample items on deploy and removes them on delete.

    The items themselves are the custom resource's properties (see
    ``ddbio.seeding``), so a change to the sample data is a change to this
    resource, and nothing else re-seeds.

    Parameters
    ----------
    table_names:
        Catalog key -> physical table name, for every table with sample data.
    function_name:
        The seeder function's name. Its log group is ``/aws/lambda/<name>``, the
        group the Provider framework's FAILED reason points readers to.
    encryption_key:
        The environment's CMK the tables are encrypted with.
    removal_policy:
        For the seeder's log groups.
    log_retention:
        How long the seeder's logs are kept.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table_names: Mapping[str, str],
        function_name: str,
        encryption_key: kms.IKey,
        removal_policy: RemovalPolicy,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.properties = build_properties(table_names=table_names)
        self.seeded_table_names = [table["TableName"] for table in self.properties[PROPERTY_TABLES]]

        self.log_group = logs.LogGroup(
            self,
            "LogGroup",
            log_group_name=f"/aws/lambda/{function_name}",
            retention=log_retention,
            removal_policy=removal_policy,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Sample-data seeder: writes and deletes items on the seeded tables only",
        )
        self._grant(stack, encryption_key)
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=function_name,
            runtime=SEEDER_RUNTIME,
            architecture=lambda_.Architecture.ARM_64,
            handler="handler.on_event",
            code=lambda_.Code.from_asset(_staged_asset()),
            timeout=SEEDER_TIMEOUT,
            memory_size=SEEDER_MEMORY_MB,
            role=self.role,
            log_group=self.log_group,
            description="Seeds the catalog's sample data (custom resource onEvent handler)",
        )

        self.provider_log_group = logs.LogGroup(
            self, "ProviderLogGroup", retention=log_retention, removal_policy=removal_policy
        )
        self.provider = cr.Provider(
            self,
            "Provider",
            on_event_handler=self.function,
            log_group=self.provider_log_group,
        )
        self._acknowledge_provider_framework()
        framework_function = self.provider.node.find_child("framework-onEvent")
        for function in (self.function, framework_function):
            _drop_implied_role_dependency(function)
        self._skip_scanner_findings(framework_function)
        self.resource = CustomResource(
            self,
            "SampleData",
            service_token=self.provider.service_token,
            resource_type="Custom::SampleData",
            properties=self.properties,
        )

    def _grant(self, stack: Stack, encryption_key: kms.IKey) -> None:
        # ARNs from names, not table references: no cross-stack exports to pin the tables.
        table_arns = [
            stack.format_arn(service="dynamodb", resource="table", resource_name=name)
            for name in self.seeded_table_names
        ]
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="SeedTables",
                actions=[
                    "dynamodb:BatchWriteItem",
                    # BatchWriteItem is authorized as itself, not as PutItem/DeleteItem.
                    "dynamodb:DescribeTable",
                ],
                resources=table_arns,
            )
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="UseTableKeyThroughDynamoDB",
                actions=["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
                resources=[encryption_key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"dynamodb.{stack.region}.amazonaws.com"}
                },
            )
        )
        self.log_group.grant_write(self.role)

    def _skip_scanner_findings(self, framework_function: lambda_.IFunction) -> None:
        """checkov findings that do not fit a dev-only, once-per-deploy seeder, with reasons."""
        for log_group in (self.log_group, self.provider_log_group):
            skip_checkov(
                log_group.node.default_child,
                CheckovSkip(
                    "CKV_AWS_158",
                    "dev-only seeder logs hold item counts and sample-data keys, no customer "
                    "data; CloudWatch Logs' own encryption at rest suffices",
                ),
            )
        for function in (self.function, framework_function):
            skip_checkov(
                function.node.default_child,
                CheckovSkip(
                    "CKV_AWS_115",
                    "runs once per deploy; reserved concurrency would fail to deploy on "
                    "accounts at the minimum unreserved concurrency quota",
                ),
                CheckovSkip(
                    "CKV_AWS_116",
                    "custom-resource handler: failures reach CloudFormation as FAILED and roll "
                    "the deploy back; a DLQ would hold events nobody replays",
                ),
                CheckovSkip(
                    "CKV_AWS_117",
                    "calls only DynamoDB and CloudFormation's response URL over public AWS "
                    "endpoints; a VPC would add NAT or endpoints for a dev-only seeder",
                ),
            )
        skip_checkov(
            framework_function.node.default_child,
            CheckovSkip(
                "CKV_AWS_173",
                "the CDK Provider framework's only variable is the seeder function's ARN, "
                "which is not a secret",
            ),
        )

    def _acknowledge_provider_framework(self) -> None:
        """The framework's own function and role are CDK's code, not ours to shape.

        Each acknowledgement names the exact finding, so anything else the
        framework might add later still fails the nag gate.
        """
        stack = Stack.of(self)
        function_id = stack.get_logical_id(self.function.node.default_child)
        for finding, reason in (
            (
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AWSLambdaBasicExecutionRole]",
                "The CDK Provider framework's onEvent function role carries the AWS managed "
                "AWSLambdaBasicExecutionRole; the framework offers no way to replace it.",
            ),
            (
                f"AwsSolutions-IAM5[Resource::<{function_id}.Arn>:*]",
                "The CDK Provider framework may invoke the seeder function and its versions "
                "(ARN plus ':*'); the wildcard covers versions of that one function only.",
            ),
        ):
            Validations.of(self.provider).acknowledge(Acknowledgment(id=finding, reason=reason))


def _drop_implied_role_dependency(function: lambda_.IFunction) -> None:
    """Keep only the DependsOn on the role's policy (cfn-lint W3005).

    CDK makes a function depend on its role, but ``Role: !GetAtt`` already
    orders them; the dependency on the role's default policy is the one that
    matters (the function must not run before it may write).
    """
    policy = function.role.node.find_child("DefaultPolicy")
    function.node.default_child.add_override(
        "DependsOn", [Stack.of(function).get_logical_id(policy.node.default_child)]
    )
