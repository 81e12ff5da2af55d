"""How the API writes JSON: every instant in the committee's zone (``settings.TIME_ZONE``, Asia/Shanghai).

The database hands back instants in UTC and a row just written keeps the zone it was sent in, so without this one
client would see the same moment as ``+00:00`` on a read and ``+08:00`` right after creating it. Dates and naive
values are written as they are.
"""

import datetime

from django.utils import timezone
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


def committee_time(value: datetime.datetime) -> datetime.datetime:
    """``value`` in the committee's zone (unchanged when naive)."""
    return timezone.localtime(value) if timezone.is_aware(value) else value


class CommitteeTimeEncoder(NinjaJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            o = committee_time(o)
        return super().default(o)


class CommitteeTimeRenderer(JSONRenderer):
    encoder_class = CommitteeTimeEncoder
