from django import forms
from django.utils.translation import gettext_lazy as _

from zhengxie.core.forms import StyledFormMixin


class CorrectionForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_working_day = forms.TypedChoiceField(
        label=_("调整为"), coerce=lambda v: v == "1", choices=[("1", _("工作日（上班）")), ("0", _("休息日"))]
    )
    note = forms.CharField(
        label=_("说明"), max_length=100, required=False, help_text=_("例如：国务院办公厅通知，春节调休上班")
    )
