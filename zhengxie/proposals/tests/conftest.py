import pytest


@pytest.fixture
def org(org):
    """The shared organisation plus a unit leader for the second unit and a co-handler unit leader."""
    from tests.builders.org import PASSWORD
    from zhengxie.accounts.services import account_create
    from zhengxie.people.models import UnitStaff

    leader2 = account_create(username="demo-unit2-leader", password=PASSWORD, display_name="区教体局领导")
    UnitStaff.objects.create(unit=org.other_unit, user=leader2, is_leader=True)
    org.users["unit2-leader"] = leader2
    return org
