from django import forms
from django.utils.translation import gettext_lazy as _

from zhengxie.core.forms import StyledFormMixin

from .models import EmailMode


class PreferenceForm(StyledFormMixin, forms.Form):
    email_mode = forms.ChoiceField(label=_("邮件通知方式"), choices=EmailMode.choices)
