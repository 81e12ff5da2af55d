"""Every scale tier can be built: its tables hold as many handling units as the tier wants, with unique names."""

import pytest

from zhengxie.demo.organisation import _Builder
from zhengxie.demo.tiers import DEMO_DISTRICT, TIERS


@pytest.mark.parametrize("tier", [DEMO_DISTRICT, *TIERS.values()], ids=lambda t: t.key)
def test_tier_has_the_handling_units_it_wants(tier):
    rows = _Builder(tier=tier, seed=1, batch_size=1, log=print)._unit_rows()

    assert len(rows) == tier.units
    assert len({name for name, *_ in rows}) == tier.units
