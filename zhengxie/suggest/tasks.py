from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(minute="*/10"))
def retrain_unit_suggestion():
    """Every ten minutes: retrain the unit suggestion model when enough new assignments arrived
    (settings.SUGGEST_RETRAIN_AFTER)."""
    return services.retrain_if_due()
