"""The words the audit page shows for the codes an audit row holds: its action, its object's type, the fields it
changed and their values. No code (``proposal.save_draft``, ``category_id``, ``proposal_office``) reaches a person.

An action a workflow declares is named by its declaration's label (``core.workflow.audit_action_labels``), the
words its button shows; ``ACTION_LABELS`` names only the actions no workflow declares. A field is named by its
model field's verbose name where the object's model has one (``category_id`` → 类别), else by ``KEY_LABELS``; its
values by the field's choices (``state`` → 已立案), by the record a key refers to (``category_id`` → the category's
name, read once per page), or by a formatter an app registers for a value only it can read (``register_words``).
"""

import datetime
import decimal
import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengxie.core.roles import Role
from zhengxie.core.workflow import audit_action_labels

# The actions written by services rather than by a workflow's declared actions.
ACTION_LABELS = {
    "account.create": gettext_lazy("创建账号"),
    "account.grant_role": gettext_lazy("授予角色"),
    "account.revoke_role": gettext_lazy("撤销角色"),
    "account.sign_out_everywhere": gettext_lazy("退出所有设备"),
    "account.set_password": gettext_lazy("设置密码"),
    "account.enable_totp": gettext_lazy("启用两步验证"),
    "account.issue_token": gettext_lazy("签发接口令牌"),
    "account.revoke_token": gettext_lazy("撤销接口令牌"),
    "member.create": gettext_lazy("新增委员"),
    "member.update": gettext_lazy("修改委员信息"),
    "member.set_status": gettext_lazy("变更委员状态"),
    "member.import": gettext_lazy("导入委员名单"),
    "unit.create": gettext_lazy("新增承办单位"),
    "unit.update": gettext_lazy("修改承办单位"),
    "unit.import": gettext_lazy("导入承办单位"),
    "unit.staff_add": gettext_lazy("添加单位工作人员"),
    "unit.staff_remove": gettext_lazy("移除单位工作人员"),
    "people.search_personal_data": gettext_lazy("按身份证号或手机号查找委员"),
    "proposal.save_draft": gettext_lazy("保存草稿"),
    "proposal.history_import": gettext_lazy("导入历年提案"),
    "proposal.add_attachment": gettext_lazy("上传附件"),
    "proposal.remove_attachment": gettext_lazy("删除附件"),
    "proposal.award_unit": gettext_lazy("评定优秀承办单位"),
    "proposal.category_create": gettext_lazy("新增提案类别"),
    "proposal.category_update": gettext_lazy("修改提案类别"),
    "activity.create": gettext_lazy("创建活动"),
    "activity.add_material": gettext_lazy("上传活动材料"),
    "consultation.create": gettext_lazy("启动协商"),
    "consultation.add_material": gettext_lazy("上传协商材料"),
    "consultation.suggest_topic": gettext_lazy("提交选题建议"),
    "consultation_plan.create": gettext_lazy("草拟年度协商计划"),
    "deliberation.create": gettext_lazy("发起网络议政"),
    "duty.add_other": gettext_lazy("录入其他履职"),
    "opinion.save_draft": gettext_lazy("保存社情民意草稿"),
    "opinion.add_attachment": gettext_lazy("上传社情民意附件"),
    "opinion.remove_attachment": gettext_lazy("删除社情民意附件"),
    "opinion.arrive_from_proposal": gettext_lazy("提案转为社情民意信息"),
    "duty.save_rules": gettext_lazy("保存积分规则"),
    "training_plan.create": gettext_lazy("新建年度学习培训计划"),
    "training_plan.add_item": gettext_lazy("添加学习培训计划项目"),
    "training_plan.link_item": gettext_lazy("为计划项目安排活动"),
    "training.set_class_hours": gettext_lazy("设置培训班学时"),
    "training.add_course": gettext_lazy("添加培训课程"),
    "training.remove_course": gettext_lazy("删除培训课程"),
    "training.set_attendee_hours": gettext_lazy("登记实际学时"),
    "training.create_seminar": gettext_lazy("设立理论研讨征文"),
    "training.set_requirement": gettext_lazy("设置年度学时要求"),
    "seminar_paper.submit": gettext_lazy("提交研讨论文"),
    "workdays.set_correction": gettext_lazy("调整工作日历"),
    "workdays.delete_correction": gettext_lazy("删除工作日历调整"),
    "notifications.set_preference": gettext_lazy("修改通知设置"),
    "followup.document_create": gettext_lazy("起草成果文件"),
    "followup.recommendation_add": gettext_lazy("新增建议"),
    "followup.add_evidence": gettext_lazy("上传佐证材料"),
    "opinion_bulletin.create": gettext_lazy("编发社情民意专报"),
}

# Keys of the changes that are no field of the object's model (or whose field has no words of its own), and the
# keys inside a change's value (``{"member": 12, "reason": …}``).
KEY_LABELS = {
    "bulletin_reports": gettext_lazy("收录信息"),
    "assignment_state": gettext_lazy("交办状态"),
    "assignments": gettext_lazy("交办"),
    "attachment": gettext_lazy("附件"),
    "instruction": gettext_lazy("批示"),
    "recommendation": gettext_lazy("建议"),
    "outcome_document": gettext_lazy("成果文件"),
    "attendance": gettext_lazy("考勤"),
    "award": gettext_lazy("评定年度"),
    "checked_in": gettext_lazy("签到"),
    "cosigners": gettext_lazy("联名人"),
    "contact": gettext_lazy("办前沟通"),
    "converted_kind": gettext_lazy("转为"),
    "cosigner": gettext_lazy("联名人"),
    "count": gettext_lazy("次数"),
    "created": gettext_lazy("新增"),
    "date": gettext_lazy("日期"),
    "description": gettext_lazy("说明"),
    "document": gettext_lazy("成果文件"),
    "email_mode": gettext_lazy("邮件方式"),
    "evaluation": gettext_lazy("测评"),
    "extension": gettext_lazy("延期"),
    "field": gettext_lazy("查找方式"),
    "id": gettext_lazy("记录编号"),
    "imported_years": gettext_lazy("导入的年度"),
    "invitees": gettext_lazy("邀请人数"),
    "items": gettext_lazy("积分项目"),
    "is_leader": gettext_lazy("单位领导"),
    "kinds": gettext_lazy("计入的类别"),
    "label": gettext_lazy("说明"),
    "late": gettext_lazy("逾期"),
    "lapsed_invitations": gettext_lazy("逾期未答复的联名邀请"),
    "leader": gettext_lazy("批示领导"),
    "leave": gettext_lazy("请假"),
    "level": gettext_lazy("层级"),
    "material": gettext_lazy("材料"),
    "member": gettext_lazy("委员"),
    "mobile": gettext_lazy("手机号"),
    "name": gettext_lazy("名称"),
    "note": gettext_lazy("说明"),
    "period": gettext_lazy("统计期间"),
    "reason": gettext_lazy("理由"),
    "record": gettext_lazy("履职记录"),
    "reassigned_to": gettext_lazy("改交"),
    "rehandled_units": gettext_lazy("重新办理的单位"),
    "reply": gettext_lazy("答复"),
    "role": gettext_lazy("角色"),
    "satisfaction": gettext_lazy("满意度"),
    "session_epoch": gettext_lazy("登录批次"),
    "sha256": gettext_lazy("文件校验值"),
    "signed_up": gettext_lazy("报名"),
    "size": gettext_lazy("大小（字节）"),
    "skipped": gettext_lazy("跳过"),
    "sort_order": gettext_lazy("排序"),
    "speech": gettext_lazy("发言"),
    "staff": gettext_lazy("工作人员"),
    "state": gettext_lazy("状态"),
    "supervision": gettext_lazy("督办"),
    "system": gettext_lazy("提案状态随之变更"),
    "title": gettext_lazy("标题"),
    "token": gettext_lazy("接口令牌"),
    "tokens_revoked": gettext_lazy("撤销的接口令牌"),
    "unchanged": gettext_lazy("未变"),
    "unit": gettext_lazy("承办单位"),
    "updated": gettext_lazy("更新"),
    "urged": gettext_lazy("催办"),
    "value_digest": gettext_lazy("查找内容（摘要）"),
    "version": gettext_lazy("版本"),
}

# Keys whose values are the codes of a field of another model than the row's object (label and choices from it).
KEY_FIELDS = {
    "system": ("proposals.proposal", "state"),
    "role": ("accounts.rolegrant", "role"),
    "email_mode": ("notifications.notificationpreference", "email_mode"),
    "assignment_state": ("proposals.assignment", "state"),
}

# The model a change's nested values describe (``"reply": [None, {"id": 3, "grade": "A"}]``): their keys are its
# fields. Ids of such records mean nothing to a person and are not shown (HIDDEN_KEYS).
NESTED_MODELS = {
    "reply": "proposals.reply",
    "contact": "proposals.contact",
    "extension": "proposals.extensionrequest",
    "evaluation": "proposals.evaluation",
    "urged": "proposals.assignment",
    "attachment": "proposals.attachment",
    "material": "duty.activitymaterial",
    "record": "duty.dutyrecord",
    "speech": "duty.speech",
}
HIDDEN_KEYS = {"id", "reply"}
# Keys whose values are ids of members or of handling units.
MEMBER_KEYS = {"member", "cosigners", "signed_up", "checked_in"}
UNIT_KEYS = {"unit", "rehandled_units"}
# A recorded value that is a list of two, not an (old, new) pair.
_PLAIN: set = set()

# Values shown as written: a search's field, in words.
VALUE_WORDS = {
    ("people.search_personal_data", "field"): {
        "id_number": gettext_lazy("身份证号"),
        "mobile": gettext_lazy("手机号"),
    },
}

# (object type or action, key) -> fn(value, memo) -> words, for values only the app that writes them can read (a
# rule table's items keyed by duty kind). ``memo(key, compute)`` computes once per page what every row needs (names
# by id). Registered by those apps when Django starts; an action's entry comes before its object type's.
_WORDS: dict[tuple[str, str], Callable] = {}
_KEY_WORDS: dict[tuple[str, str], object] = {}


def register_words(scope: str, key: str, fn: Callable, *, label=None) -> None:
    """``fn(value, memo)`` words the values of ``key`` in rows about the object type ``scope`` (or of the action
    ``scope``); ``label`` names the key where the model's field of that name means something else."""
    _WORDS[(scope, key)] = fn
    if label is not None:
        _KEY_WORDS[(scope, key)] = label


def _words_for(action: str, object_type: str, key: str) -> Callable | None:
    return _WORDS.get((action, key)) or _WORDS.get((object_type, key))


def action_labels() -> dict:
    """Every action the platform writes, with its words: the workflows' declared actions and the table above."""
    return {**ACTION_LABELS, **audit_action_labels()}


def action_label(code: str) -> str:
    label = action_labels().get(code)
    return str(label) if label is not None else _("其他操作")


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else _("其他")


def _field(model, key: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return None if field.auto_created and not field.concrete else field  # a reverse relation has no words


def _has_words(field) -> bool:
    """A field whose verbose name was written for people (Django makes one from the name otherwise)."""
    return field is not None and str(field.verbose_name) != field.name.replace("_", " ")


def _key_field(object_type: str, key: str):
    field = _field(_model(object_type), key)
    if field is None and key in KEY_FIELDS:
        model_name, name = KEY_FIELDS[key]
        field = _field(_model(model_name), name)
    return field


def field_label(object_type: str, key: str, action: str = "") -> str | None:
    """The words for a key of a row's changes, or ``None`` when nothing names it."""
    for scope in (action, object_type):
        if (scope, key) in _KEY_WORDS:
            return str(_KEY_WORDS[(scope, key)])
    own = _field(_model(object_type), key)
    if _has_words(own):
        return str(own.verbose_name)
    if key in KEY_LABELS:
        return str(KEY_LABELS[key])
    field = _key_field(object_type, key)
    return str(field.verbose_name) if _has_words(field) else None


def _related_model(field):
    if field is not None and field.is_relation and field.related_model is not None:
        return field.related_model
    return None


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _nested_type(object_type: str, key: str) -> str:
    return NESTED_MODELS.get(key, object_type)


def _target_model(object_type: str, key: str):
    """The model whose ids a key's values are, if they are ids."""
    if key in MEMBER_KEYS:
        return _model("people.member")
    if key in UNIT_KEYS:
        return _model("people.handlingunit")
    return _related_model(_key_field(object_type, key))


class Lookups:
    """The records a page's rows refer to by id (a category, a member), read with one query per model."""

    def __init__(self):
        self.wanted: dict = defaultdict(set)
        self.found: dict = {}
        self.memos: dict = {}

    def collect(self, object_type: str, changes: dict, action: str = "") -> None:
        for key, value in changes.items():
            self._walk(action, object_type, key, value)

    def _walk(self, action: str, object_type: str, key: str, value) -> None:
        if _words_for(action, object_type, key) is not None:
            return
        if isinstance(value, list):
            for v in value:
                self._walk(action, object_type, key, v)
        elif isinstance(value, dict):
            inner = _nested_type(object_type, key)
            for k, v in value.items():
                self._walk(action, inner, k, v)
        elif _is_id(value):
            model = _target_model(object_type, key)
            if model is not None:
                self.wanted[model].add(value)

    def load(self) -> None:
        for model, ids in self.wanted.items():
            self.found[model] = {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=ids)}

    def name(self, model, value):
        return self.found.get(model, {}).get(value)

    def memo(self, key: str, compute: Callable):
        """``compute()`` once per page: what a registered formatter reads for every row (the names of the units)."""
        if key not in self.memos:
            self.memos[key] = compute()
        return self.memos[key]


def _no_memo(_key: str, compute: Callable):
    return compute()


def _scalar_words(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, str) and re.fullmatch(r"-?\d+\.\d+", value):
        return f"{decimal.Decimal(value).normalize():f}"  # 60.00 → 60
    if isinstance(value, str):
        moment = parse_datetime(value) if "T" in value else None
        if moment is not None:
            return formats.date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "Y-m-d H:i")
        day = parse_date(value) if len(value) == 10 else None
        if day is not None:
            return formats.date_format(day, "Y-m-d")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "Y-m-d")
    return str(value)


def value_words(action: str, object_type: str, key: str, value, lookups: Lookups | None = None) -> str:
    """A value of a row's changes in words: choices, names of records referred to by id, yes/no, dates."""
    registered = _words_for(action, object_type, key)
    if registered is not None:
        return registered(value, lookups.memo if lookups is not None else _no_memo)
    table = VALUE_WORDS.get((action, key))
    if table is not None and value in table:
        return str(table[value])
    if isinstance(value, list):
        if value and all(isinstance(v, list) and len(v) == 2 for v in value):  # moves: [[from, to], …]
            words = [[value_words(action, object_type, key, v, lookups) for v in move] for move in value]
            return "；".join(f"{old} → {new}" for old, new in words)
        return "、".join(value_words(action, object_type, key, v, lookups) for v in value) or "—"
    if isinstance(value, dict):
        inner = _nested_type(object_type, key)
        return "，".join(
            f"{field_label(inner, k) or _('其他')}：{value_words(action, inner, k, v, lookups)}"
            for k, v in value.items()
            if k not in HIDDEN_KEYS
        )
    field = _key_field(object_type, key)
    if field is not None and field.choices and value is not None:
        choices = {str(code): words for code, words in field.flatchoices}
        if str(value) in choices:
            return str(choices[str(value)])
    if key == "role" and value in Role.values:
        return str(Role(value).label)
    if lookups is not None and _is_id(value):
        model = _target_model(object_type, key)
        name = lookups.name(model, value) if model is not None else None
        if name is not None:
            return name
    return _scalar_words(value)


def change_rows(action: str, object_type: str, changes, lookups: Lookups | None = None) -> list[dict]:
    """A row's changes as [{label, old, new, pair}] (``pair`` false: a value recorded on its own, not a change from
    one value to another)."""
    if not isinstance(changes, dict):
        return []
    out = []
    for key, value in changes.items():
        label = field_label(object_type, key, action) or _("其他")
        if isinstance(value, list) and len(value) == 2 and (object_type, key) not in _PLAIN:
            old, new = value
            out.append(
                {
                    "label": label,
                    "old": value_words(action, object_type, key, old, lookups),
                    "new": value_words(action, object_type, key, new, lookups),
                    "pair": True,
                }
            )
        else:
            words = value_words(action, object_type, key, value, lookups)
            out.append({"label": label, "old": None, "new": words, "pair": False})
    return out


def unnamed_keys(object_type: str, changes, action: str = "") -> list[str]:
    """The keys of a row's changes (and of the dicts in their values) that nothing names: a test keeps this empty."""
    missing = []

    def walk(object_type, key, value, nested=False):
        if nested and key in HIDDEN_KEYS:
            return
        if field_label(object_type, key, action) is None:
            missing.append(key)
        if _words_for(action, object_type, key) is not None:
            return
        inner = _nested_type(object_type, key)
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, dict):
                for k, item in v.items():
                    walk(inner, k, item, nested=True)

    if isinstance(changes, dict):
        for key, value in changes.items():
            walk(object_type, key, value)
    return missing


def entry_rows(entries: Iterable) -> list[dict]:
    """The audit page's rows: each entry with its action, object and changes in words."""
    entries = list(entries)
    lookups = Lookups()
    for e in entries:
        if isinstance(e.changes, dict):
            lookups.collect(e.object_type, e.changes, e.action)
    lookups.load()
    labels = action_labels()
    return [
        {
            "entry": e,
            "action": str(labels[e.action]) if e.action in labels else _("其他操作"),
            "object_type": object_type_label(e.object_type),
            "changes": change_rows(e.action, e.object_type, e.changes, lookups),
        }
        for e in entries
    ]
