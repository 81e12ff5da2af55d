"""The committee's usual categories of opinion reports. A data migration installs them; ``ensure_default_categories``
restores any that are missing (used by the demo and the test builders, as test databases are flushed between
live-server tests)."""

from .models import OpinionCategory

DEFAULT_CATEGORIES = ["经济发展", "社会民生", "教育文化", "医疗卫生", "生态环境", "城乡建设", "社会治理", "其他"]


def ensure_default_categories() -> int:
    created = 0
    for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
        _category, made = OpinionCategory.objects.get_or_create(name=name, defaults={"sort_order": order})
        created += made
    return created
