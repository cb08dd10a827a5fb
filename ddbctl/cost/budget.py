"""The budget gate: an environment whose fixed cost is over ``monthly_budget_usd``
fails in one line that names what costs the most, so the fix is obvious."""

from __future__ import annotations

from ddbctl.cost.fixed import Estimate

BIGGEST = 3


def over_budget(estimate: Estimate, budget_usd: float) -> str | None:
    """One line describing the overrun, or None within budget."""
    if estimate.fixed_monthly_usd <= budget_usd:
        return None
    biggest = sorted(estimate.lines, key=lambda line: line.monthly_usd, reverse=True)[:BIGGEST]
    named = ", ".join(f"{line.what} ${line.monthly_usd:,.2f}" for line in biggest)
    return (
        f"{estimate.env} costs ${estimate.fixed_monthly_usd:,.2f}/month fixed, over its "
        f"${budget_usd:,.2f} budget (biggest: {named}): cut those, or raise "
        f"environments.{estimate.env}.monthly_budget_usd in cdk.json"
    )


def within_budget_line(estimate: Estimate, budget_usd: float) -> str:
    return (
        f"ok [{estimate.env}] fixed cost ${estimate.fixed_monthly_usd:,.2f}/month, "
        f"budget ${budget_usd:,.2f}"
    )
