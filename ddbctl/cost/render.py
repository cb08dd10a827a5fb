"""The estimate as text, as the stable JSON documented in docs/cost.md, and as the
Markdown cost change the diff workflow posts on a pull request."""

from __future__ import annotations

from typing import Any

from ddbctl.cost.fixed import Estimate, Line, dollars
from ddbctl.cost.workload import PLACES, TableCost

CLASS_NAMES = {"STANDARD": "Standard", "STANDARD_INFREQUENT_ACCESS": "Standard-IA"}


def as_json(estimate: Estimate, workload: list[TableCost] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {
        "env": estimate.env,
        "currency": "USD",
        "fixed_monthly_usd": estimate.fixed_monthly_usd,
        "lines": [line.as_json() for line in estimate.lines],
        "ceiling_monthly_usd": estimate.ceiling_monthly_usd,
        "ceiling_lines": [line.as_json() for line in estimate.ceiling_lines],
        "uncapped": estimate.uncapped,
        "per_gb_month": [
            {"what": line.what, "unit_usd": line.unit_usd} for line in estimate.per_gb
        ],
        "prices": estimate.prices,
    }
    if workload is not None:
        document["workload_monthly_usd"] = workload_total(workload)
        document["protection_monthly_usd"] = dollars(
            sum(cost.protection_monthly_usd for cost in workload), places=PLACES
        )
        document["tables"] = [_table_json(cost) for cost in workload]
    return document


def workload_total(workload: list[TableCost]) -> float:
    return dollars(sum(cost.monthly_usd for cost in workload), places=PLACES)


def advice(cost: TableCost) -> dict[str, Any]:
    standard, ia = cost.by_class["STANDARD"], cost.by_class["STANDARD_INFREQUENT_ACCESS"]
    cheaper = "STANDARD_INFREQUENT_ACCESS" if ia < standard else "STANDARD"
    return {
        "current": cost.table_class,
        "standard_monthly_usd": standard,
        "standard_ia_monthly_usd": ia,
        "cheaper": cheaper,
        "saving_monthly_usd": dollars(abs(standard - ia), places=PLACES),
    }


def _table_json(cost: TableCost) -> dict[str, Any]:
    return {
        "table": cost.key,
        "name": cost.name,
        "billing": "provisioned" if cost.provisioned else "on-demand",
        "table_class": cost.table_class,
        "monthly_usd": cost.monthly_usd,
        "lines": [line.as_json() for line in cost.lines],
        "protection_monthly_usd": cost.protection_monthly_usd,
        "protection_lines": [line.as_json() for line in cost.protection],
        "table_class_advice": advice(cost),
    }


def _quantity(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def _rows(lines: list[Line], *, places: int = 2) -> list[str]:
    width = max((len(line.what) for line in lines), default=0)
    return [
        f"  {line.what:<{width}}  {_quantity(line.quantity):>10} x ${line.unit_usd:<10.6g}"
        f" = ${line.monthly_usd:,.{places}f}"
        for line in lines
    ]


def _advice_line(cost: TableCost) -> str:
    verdict = advice(cost)
    current = CLASS_NAMES[cost.table_class]
    other = CLASS_NAMES[verdict["cheaper"]]
    saving = verdict["saving_monthly_usd"]
    if not saving:
        return "    table class: Standard and Standard-IA cost the same for this workload"
    if verdict["cheaper"] == cost.table_class:
        return f"    table class: {current} is cheaper (the other costs ${saving:.4f}/month more)"
    return f"    table class: {other} would save ${saving:.4f}/month over {current}"


def as_text(estimate: Estimate, workload: list[TableCost] | None = None) -> str:
    prices = estimate.prices
    out = [
        f"{estimate.env}: fixed cost ${estimate.fixed_monthly_usd:,.2f}/month "
        f"({prices['region']} prices as published on {prices['date']})",
        *_rows(estimate.lines),
    ]
    if estimate.ceiling_monthly_usd is None:
        shown = ", ".join(estimate.uncapped[:3]) + (", ..." if len(estimate.uncapped) > 3 else "")
        out.append(
            f"ceiling: none, {len(estimate.uncapped)} on-demand tables and indexes are uncapped "
            f"({shown}); set max_request_units in cdk.json for one"
        )
    else:
        out.append(
            f"ceiling: ${estimate.ceiling_monthly_usd:,.2f}/month "
            "(autoscaling at its maximum, on-demand at max_request_units all month)"
        )
        out += _rows(estimate.ceiling_lines)
    if estimate.per_gb:
        out.append("per GB of table data, per month:")
        out += [f"  {line.what}: ${line.unit_usd:.4g}" for line in estimate.per_gb]
    if workload is not None:
        out.append(f"workload: ${workload_total(workload):,.4f}/month")
        for cost in workload:
            billing = "provisioned" if cost.provisioned else "on-demand"
            out.append(f"  {cost.key} ({billing}): ${cost.monthly_usd:,.4f}/month")
            out += ["  " + row for row in _rows(cost.lines, places=PLACES)]
            if cost.protection:
                out.append(
                    f"    plus ${cost.protection_monthly_usd:,.4f}/month to protect that data:"
                )
                out += ["  " + row for row in _rows(cost.protection, places=PLACES)]
            out.append(_advice_line(cost))
    return "\n".join(out)


def _signed(amount: float) -> str:
    return f"{'-' if amount < 0 else '+'}${abs(amount):,.2f}/month"


def as_markdown_change(
    *, env: str, base: Estimate, head: Estimate, budget_usd: float | None = None
) -> str:
    """Head against base: the total change and each line that changed."""
    change = dollars(head.fixed_monthly_usd - base.fixed_monthly_usd)
    before = {line.what: line for line in base.lines}
    after = {line.what: line for line in head.lines}
    budget = "" if budget_usd is None else f", budget ${budget_usd:,.2f}"
    if budget_usd is not None and head.fixed_monthly_usd > budget_usd:
        budget += ": **over budget**"
    out = [
        f"#### Fixed cost of **{env}**: {_signed(change)} "
        f"(${base.fixed_monthly_usd:,.2f} -> ${head.fixed_monthly_usd:,.2f}{budget})",
        "",
    ]
    changed = []
    for what in [*before, *(w for w in after if w not in before)]:
        old, new = before.get(what), after.get(what)
        old_usd = old.monthly_usd if old else 0.0
        new_usd = new.monthly_usd if new else 0.0
        old_quantity = old.quantity if old else 0
        new_quantity = new.quantity if new else 0
        if old_usd == new_usd and old_quantity == new_quantity:
            continue
        changed.append(
            f"| {what} | {_quantity(old_quantity)} | {_quantity(new_quantity)} | "
            f"{_signed(dollars(new_usd - old_usd))} |"
        )
    if changed:
        out += ["| line | base | head | change |", "| --- | ---: | ---: | ---: |", *changed]
    else:
        out.append("No fixed-cost line changed.")
    return "\n".join(out) + "\n"
