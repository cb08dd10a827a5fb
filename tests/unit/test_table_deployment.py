"""The one billing-and-tags rule that DataTable and ddbctl share (catalog/deployment.py)."""

import catalog
from catalog.deployment import table_deployment


def test_provisioned_only_where_the_environment_honours_the_seed_figures():
    seeded = [spec for spec in catalog.TABLES if spec.provisioned is not None]
    assert seeded, "the catalog has tables with seed provisioned capacity"
    for spec in seeded:
        honoured = table_deployment(spec, environment_name="prod", provisioned_capacity=True)
        assert honoured.provisioned is spec.provisioned
        assert honoured.billing_mode == "PROVISIONED"
        ignored = table_deployment(spec, environment_name="dev", provisioned_capacity=False)
        assert ignored.provisioned is None
        assert ignored.billing_mode == "PAY_PER_REQUEST"


def test_a_table_without_seed_capacity_stays_on_demand_everywhere():
    spec = next(spec for spec in catalog.TABLES if spec.provisioned is None)
    rule = table_deployment(spec, environment_name="prod", provisioned_capacity=True)
    assert rule.provisioned is None
    assert rule.billing_mode == "PAY_PER_REQUEST"


def test_tags_are_the_specs_plus_environment():
    spec = catalog.table("OpportunitySessions")
    rule = table_deployment(spec, environment_name="staging", provisioned_capacity=False)
    assert rule.environment_tags == (("Environment", "staging"),)
    assert rule.tags == (*spec.tags, ("Environment", "staging"))
