"""The codes of online deliberation (网络议政) that pages, the API and other apps share."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliberationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")
    SUMMARISED = "summarised", _("已形成综述")


class PostState(models.TextChoices):
    POSTED = "posted", _("已发表")
    SELECTED = "selected", _("已选用")
