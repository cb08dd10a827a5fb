"""settings.regions reads botocore's endpoint data itself; botocore's own answer is the spec."""

from botocore.session import get_session

from settings.regions import DYNAMODB_REGIONS


def test_the_region_list_is_what_botocore_answers():
    session = get_session()
    expected = {
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("dynamodb", partition_name=partition)
    }
    assert set(DYNAMODB_REGIONS) == expected
    assert {"us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"} <= DYNAMODB_REGIONS
