"""``ddbctl cost``: what an environment costs before a single request, and at most.

Read from the synthesized templates (in-process, or ``--cdk-out``) and priced
from the pinned table in ``ddbctl/cost/price_tables/``; no AWS access. Modes:

* default: the fixed monthly cost, its ceiling and per-GB rates (``--json``);
* ``--workload FILE``: add a workload's cost per table and table-class advice;
* ``--check-budget``: exit 1, in one line, when an environment is over budget;
* ``--baseline-cdk-out DIR``: Markdown of the fixed-cost change, base to head.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ddbctl.cost.budget import over_budget, within_budget_line
from ddbctl.cost.counting import count
from ddbctl.cost.fixed import estimate as fixed_estimate
from ddbctl.cost.prices import load_prices
from ddbctl.cost.render import as_json, as_markdown_change, as_text
from ddbctl.cost.workload import read_workload, workload_costs
from ddbctl.errors import EXIT_FAILURE, EXIT_USAGE, CliError
from ddbctl.templates_input import add_cdk_out_argument, load_config, load_templates
from settings import ENVIRONMENT_NAMES, EnvironmentConfig


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "cost",
        help="the fixed monthly cost of an environment, its ceiling, and a workload's cost",
        description="Count what an environment's templates bill for (KMS keys, alarm metrics, "
        "dashboards, provisioned capacity at the autoscaling minimum) and price it from the "
        "pinned, dated price table. No AWS access.",
    )
    parser.add_argument(
        "--env",
        choices=ENVIRONMENT_NAMES,
        help="environment to price (default dev; --check-budget checks all without it)",
    )
    parser.add_argument("--json", action="store_true", help="the stable JSON of docs/cost.md")
    add_cdk_out_argument(parser)
    parser.add_argument(
        "--prices", type=Path, metavar="FILE", help="JSON object overriding unit prices"
    )
    parser.add_argument(
        "--workload",
        type=Path,
        metavar="FILE",
        help='JSON {"tables": {"<catalog key>": {"writes_per_month", "reads_per_month", '
        '"item_kb", "storage_gb"}}}: add its cost per table',
    )
    parser.add_argument(
        "--check-budget",
        action="store_true",
        help="fail in one line when an environment's fixed cost is over monthly_budget_usd",
    )
    parser.add_argument(
        "--baseline-cdk-out",
        metavar="DIR",
        help="print Markdown of the fixed-cost change from the templates in DIR (the pull "
        "request's base) to the head's ({env} is replaced as for --cdk-out)",
    )
    parser.set_defaults(handler=run)


def _check_usage(args: argparse.Namespace) -> None:
    modes = [
        flag
        for flag, on in (
            ("--check-budget", args.check_budget),
            ("--baseline-cdk-out", args.baseline_cdk_out),
            ("--workload", args.workload),
        )
        if on
    ]
    if len(modes) > 1:
        raise CliError(
            f"{' and '.join(modes)} do not combine: run them separately", exit_code=EXIT_USAGE
        )
    if args.baseline_cdk_out and not args.cdk_out:
        raise CliError(
            "--baseline-cdk-out needs --cdk-out for the head's templates (both from `cdk synth`)",
            exit_code=EXIT_USAGE,
        )


def _check_budget(args: argparse.Namespace) -> int:
    names = [args.env] if args.env else list(ENVIRONMENT_NAMES)
    configs = [load_config(name) for name in names]
    prices = {config.name: load_prices(config.region, overrides=args.prices) for config in configs}
    templates = load_templates(configs, args.cdk_out)
    overruns = []
    for config in configs:
        estimate = fixed_estimate(config.name, count(templates[config.name]), prices[config.name])
        problem = over_budget(estimate, config.monthly_budget_usd)
        if problem:
            overruns.append(problem)
        else:
            print(within_budget_line(estimate, config.monthly_budget_usd))
    if overruns:
        raise CliError("; ".join(overruns), exit_code=EXIT_FAILURE)
    return 0


def _change(args: argparse.Namespace, config: EnvironmentConfig) -> int:
    """Both sides priced alike, so only what the templates changed shows."""
    prices = load_prices(config.region, overrides=args.prices)
    head, base = (
        fixed_estimate(config.name, count(load_templates([config], out)[config.name]), prices)
        for out in (args.cdk_out, args.baseline_cdk_out)
    )
    print(
        as_markdown_change(
            env=config.name, base=base, head=head, budget_usd=config.monthly_budget_usd
        ),
        end="",
    )
    return 0


def run(args: argparse.Namespace) -> int:
    _check_usage(args)
    if args.check_budget:
        return _check_budget(args)
    config = load_config(args.env or "dev")
    if args.baseline_cdk_out:
        return _change(args, config)
    # Input files are checked before the (slow) synthesis, so a typo fails at once.
    loads = read_workload(args.workload) if args.workload else None
    prices = load_prices(config.region, overrides=args.prices)
    counts = count(load_templates([config], args.cdk_out)[config.name])
    estimate = fixed_estimate(config.name, counts, prices)
    workload = None
    if loads is not None:
        workload = workload_costs(loads, config=config, counts=counts, prices=prices)
    if args.json:
        print(json.dumps(as_json(estimate, workload), indent=2))
    else:
        print(as_text(estimate, workload))
    return 0
