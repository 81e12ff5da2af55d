"""演示数据: a deterministic, fictional committee for the demo and for the benchmarks.

``build_demo_district()`` makes 政协南昌市新建区委员会 with about 250 members and 40 handling units, plus one
sign-in account per role (``DEMO_ACCOUNTS``, password ``zhengxie-demo``). ``build_organisation(tier=...)`` makes the
same shape at the scale tiers of overview.md (``TIERS``) for ``bench/generate.py``.

Every choice is drawn from ``random.Random(seed)``, so one seed always gives the same people, units and accounts
(only the ciphertexts differ, because encryption uses random nonces). The demo accounts are made through
``account_create`` / ``role_grant`` so that they are audited like real ones; the mass data (members, their accounts,
unit staff) is bulk-inserted, with the encrypted fields and their digests set before the insert.
"""

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from django.contrib.auth import get_user_model
from django.db import transaction

from zhengxie.accounts.roles import Role
from zhengxie.accounts.services import account_create, role_grant
from zhengxie.core import crypto
from zhengxie.core.access import roles_of
from zhengxie.core.validators import id_check_digit

from .choices import CollectiveKind, CommitteeLevel, Gender, MemberStatus, UnitKind
from .models import (
    CollectiveProposer,
    Committee,
    HandlingUnit,
    Member,
    Party,
    Sector,
    Session,
    SpecialCommittee,
    Term,
    UnitStaff,
)

DEMO_PASSWORD = "zhengxie-demo"
DEMO_SEED = 17


class DemoConflict(Exception):
    """The database already holds organisation data that is not this demo."""


# Tiers ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tier:
    key: str
    committee_name: str
    committee_short_name: str
    level: str
    place: str  # the committee's place: names collective proposers and, below province level, work units
    place_prefix: str  # 区 / 市: the first character of department short names (区住建局)
    term_number: int
    first_year: int  # first year of the current term
    members: int
    standing: int
    units: int
    demo_unit_place: str  # where the housing and education bureaus of demo-unit / demo-unit2 are

    @property
    def spans_province(self) -> bool:
        return self.level == CommitteeLevel.PROVINCE


DEMO_DISTRICT = Tier(
    key="demo",
    committee_name="政协南昌市新建区委员会",
    committee_short_name="新建区政协",
    level=CommitteeLevel.DISTRICT,
    place="新建区",
    place_prefix="区",
    term_number=17,
    first_year=2022,
    members=250,
    standing=60,
    units=40,
    demo_unit_place="新建区",
)

TIERS = {
    "district": replace(DEMO_DISTRICT, key="district", members=450, standing=100, units=80),
    "city": Tier(
        key="city",
        committee_name="政协南昌市委员会",
        committee_short_name="南昌市政协",
        level=CommitteeLevel.CITY,
        place="南昌市",
        place_prefix="市",
        term_number=15,
        first_year=2022,
        members=800,
        standing=160,
        units=80,
        demo_unit_place="南昌市",
    ),
    "province": Tier(
        key="province",
        committee_name="政协江西省委员会",
        committee_short_name="江西省政协",
        level=CommitteeLevel.PROVINCE,
        place="江西省",
        place_prefix="省",
        term_number=13,
        first_year=2023,
        members=30000,
        standing=6000,
        units=3000,
        demo_unit_place="新建区",
    ),
}


# Demo accounts -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str  # empty for member accounts: the member's name is used
    roles: frozenset[Role]
    note: str


DEMO_ACCOUNTS = (
    DemoAccount("demo-admin", "系统管理员", frozenset({Role.ADMIN}), "settings, rule tables, accounts"),
    DemoAccount("demo-office", "何晓燕", frozenset({Role.PROPOSAL_OFFICE}), "提案委员会办公室"),
    DemoAccount("demo-staff", "罗建华", frozenset({Role.SECRETARIAT}), "机关 秘书科"),
    DemoAccount("demo-leader", "万国平", frozenset({Role.LEADER}), "政协主席"),
    DemoAccount("demo-overseer", "涂志强", frozenset({Role.OVERSEER}), "区委办督查室"),
    DemoAccount("demo-unit", "熊丽", frozenset({Role.UNIT_STAFF}), "staff of the housing bureau (住建局)"),
    DemoAccount(
        "demo-unit-leader",
        "喻德明",
        frozenset({Role.UNIT_STAFF, Role.UNIT_LEADER}),
        "leader of the housing bureau (住建局)",
    ),
    DemoAccount("demo-unit2", "邓婷", frozenset({Role.UNIT_STAFF}), "staff of the education bureau (教体局)"),
    DemoAccount("demo-member", "", frozenset({Role.MEMBER, Role.SECTOR_CONVENER}), "member, convener of 经济"),
    DemoAccount("demo-member2", "", frozenset({Role.MEMBER}), "member in 教育"),
)
DEMO_USERNAMES = tuple(a.username for a in DEMO_ACCOUNTS)
_GRANTED = {
    "demo-admin": Role.ADMIN,
    "demo-office": Role.PROPOSAL_OFFICE,
    "demo-staff": Role.SECRETARIAT,
    "demo-leader": Role.LEADER,
    "demo-overseer": Role.OVERSEER,
}
# The demo members' mobiles are fixed so that signing in by mobile can be shown; random mobiles avoid this block.
DEMO_MEMBER_MOBILES = {"demo-member": "13900000001", "demo-member2": "13900000002"}
CONVENER_SECTOR = "经济"
PLAIN_MEMBER_SECTOR = "教育"


# Organisation data ---------------------------------------------------------------------------------------------

# (name, short name); the order is the customary one.
PARTIES = (
    ("中国共产党", "中共"),
    ("中国国民党革命委员会", "民革"),
    ("中国民主同盟", "民盟"),
    ("中国民主建国会", "民建"),
    ("中国民主促进会", "民进"),
    ("中国农工民主党", "农工党"),
    ("中国致公党", "致公党"),
    ("九三学社", "九三学社"),
    ("台湾民主自治同盟", "台盟"),
    ("无党派人士", "无党派人士"),
    ("群众", "群众"),
)
DEMOCRATIC_PARTIES = ("民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社")

# Outside the party sectors most members are not party members (CPPCC keeps the CPC below 40% of its members).
_MIXED = {"中共": 25, "群众": 70, "台盟": 1}
_ORG = {"中共": 60, "群众": 40}
_BUSINESS = {"群众": 70, "中共": 25}


@dataclass(frozen=True)
class SectorSpec:
    name: str
    weight: int  # relative size
    parties: dict  # party short name -> weight
    pools: tuple[str, ...]  # work-unit pools (WORK_POOLS)
    female: float = 0.3
    born: tuple[int, int] = (1962, 1990)


SECTORS = (
    SectorSpec("中国共产党", 24, {"中共": 1}, ("party", "government", "town")),
    SectorSpec("民革", 7, {"民革": 1}, ("law", "business", "school", "hospital", "culture")),
    SectorSpec("民盟", 9, {"民盟": 1}, ("school", "culture", "science", "hospital")),
    SectorSpec("民建", 9, {"民建": 1}, ("business", "finance", "commerce")),
    SectorSpec("民进", 9, {"民进": 1}, ("school", "culture", "media"), female=0.45),
    SectorSpec("农工党", 7, {"农工党": 1}, ("hospital", "science"), female=0.4),
    SectorSpec("致公党", 4, {"致公党": 1}, ("business", "overseas", "hospital")),
    SectorSpec("九三学社", 7, {"九三学社": 1}, ("science", "school", "hospital")),
    SectorSpec("无党派人士", 8, {"无党派人士": 1}, ("school", "hospital", "science", "law", "business")),
    SectorSpec("共青团", 6, _ORG, ("youth",), female=0.4, born=(1988, 1997)),
    SectorSpec("工会", 8, _ORG, ("union",), female=0.3),
    SectorSpec("妇联", 8, _ORG, ("women",), female=0.9),
    SectorSpec("工商联", 14, _BUSINESS, ("commerce", "business")),
    SectorSpec("科协", 7, _MIXED, ("science",)),
    SectorSpec("侨联", 5, {"群众": 50, "中共": 30, "致公党": 10, "台盟": 10}, ("overseas", "business")),
    SectorSpec("文化艺术", 9, _MIXED, ("culture",), female=0.4),
    SectorSpec("科学技术", 7, _MIXED, ("science",)),
    SectorSpec("经济", 18, _BUSINESS, ("business", "finance")),
    SectorSpec("农业和农村", 12, _MIXED, ("agriculture",), female=0.2),
    SectorSpec("教育", 12, _MIXED, ("school",), female=0.45),
    SectorSpec("体育", 4, _MIXED, ("sports",)),
    SectorSpec("新闻出版", 4, _MIXED, ("media",), female=0.4),
    SectorSpec("医药卫生", 12, _MIXED, ("hospital",), female=0.4),
    SectorSpec("社会福利和社会保障", 8, _MIXED, ("welfare",), female=0.4),
    SectorSpec("少数民族", 4, _MIXED, ("business", "school", "hospital", "government")),
    SectorSpec("宗教", 4, {"群众": 1}, ("religion",), female=0.1, born=(1958, 1985)),
    SectorSpec("特邀", 14, {"中共": 50, "群众": 40, "台盟": 10}, ("special",), born=(1958, 1972)),
)

SPECIAL_COMMITTEES = (
    "提案委员会",
    "经济委员会",
    "农业农村委员会",
    "人口资源环境委员会",
    "教科卫体委员会",
    "社会和法制委员会",
    "民族宗教和港澳台侨委员会",
    "文史和学习委员会",
)
# Which special committee a sector's members lean towards.
SECTOR_AFFINITY = {
    "经济": "经济委员会",
    "工商联": "经济委员会",
    "民建": "经济委员会",
    "农业和农村": "农业农村委员会",
    "教育": "教科卫体委员会",
    "科学技术": "教科卫体委员会",
    "医药卫生": "教科卫体委员会",
    "体育": "教科卫体委员会",
    "科协": "教科卫体委员会",
    "九三学社": "教科卫体委员会",
    "农工党": "教科卫体委员会",
    "文化艺术": "文史和学习委员会",
    "新闻出版": "文史和学习委员会",
    "民进": "文史和学习委员会",
    "社会福利和社会保障": "社会和法制委员会",
    "特邀": "社会和法制委员会",
    "民革": "社会和法制委员会",
    "少数民族": "民族宗教和港澳台侨委员会",
    "宗教": "民族宗教和港澳台侨委员会",
    "侨联": "民族宗教和港澳台侨委员会",
    "致公党": "民族宗教和港澳台侨委员会",
}

# People's organisations that file collective proposals: (sector, name template).
ORGANISATIONS = (
    ("工商联", "{place}工商业联合会"),
    ("共青团", "共青团{place}委员会"),
    ("妇联", "{place}妇女联合会"),
    ("工会", "{place}总工会"),
    ("科协", "{place}科学技术协会"),
    ("侨联", "{place}归国华侨联合会"),
)

# Handling units: (name, short name, kind). The district list is written out; the first 17 are those of the brief.
_G, _P, _J, _E, _O = UnitKind.GOVERNMENT, UnitKind.PARTY, UnitKind.JUDICIAL, UnitKind.ENTERPRISE, UnitKind.OTHER
DISTRICT_UNITS = (
    ("新建区发展和改革委员会", "区发改委", _G),
    ("新建区住房和城乡建设局", "区住建局", _G),
    ("新建区教育体育局", "区教体局", _G),
    ("新建区卫生健康委员会", "区卫健委", _G),
    ("新建区财政局", "区财政局", _G),
    ("新建区农业农村局", "区农业农村局", _G),
    ("新建区交通运输局", "区交通运输局", _G),
    ("新建区生态环境局", "区生态环境局", _G),
    ("新建区市场监督管理局", "区市场监管局", _G),
    ("新建区人力资源和社会保障局", "区人社局", _G),
    ("新建区民政局", "区民政局", _G),
    ("新建区文化广电新闻出版旅游局", "区文广新旅局", _G),
    ("新建区应急管理局", "区应急管理局", _G),
    ("新建区城市管理和综合执法局", "区城管局", _G),
    ("南昌市公安局新建分局", "区公安分局", _G),
    ("南昌市自然资源和规划局新建分局", "区自然资源分局", _G),
    ("国网南昌市新建区供电公司", "国网新建供电公司", _E),
    ("新建区水利局", "区水利局", _G),
    ("新建区商务局", "区商务局", _G),
    ("新建区科学技术和工业信息化局", "区科工信局", _G),
    ("新建区司法局", "区司法局", _G),
    ("新建区医疗保障局", "区医保局", _G),
    ("新建区退役军人事务局", "区退役军人事务局", _G),
    ("新建区林业局", "区林业局", _G),
    ("新建区行政审批局", "区行政审批局", _G),
    ("新建区住房保障和房产管理局", "区房管局", _G),
    ("国家税务总局南昌市新建区税务局", "区税务局", _G),
    ("新建区审计局", "区审计局", _G),
    ("新建区统计局", "区统计局", _G),
    ("新建区信访局", "区信访局", _G),
    ("新建区数据局", "区数据局", _G),
    ("新建区人民防空办公室", "区人防办", _G),
    ("中共新建区委组织部", "区委组织部", _P),
    ("中共新建区委宣传部", "区委宣传部", _P),
    ("中共新建区委统战部", "区委统战部", _P),
    ("中共新建区委政法委员会", "区委政法委", _P),
    ("新建区人民法院", "区法院", _J),
    ("新建区人民检察院", "区检察院", _J),
    ("新建区融媒体中心", "区融媒体中心", _O),
    ("新建区城市建设投资发展有限公司", "区城投公司", _E),
    ("中共新建区委机构编制委员会办公室", "区委编办", _P),
    ("中共新建区委农村工作领导小组办公室", "区委农办", _P),
    ("新建区机关事务服务中心", "区机关事务中心", _G),
    ("新建区投资促进局", "区投促局", _G),
    ("新建区公共资源交易中心", "区公共资源交易中心", _G),
    ("新建区民族宗教事务局", "区民宗局", _G),
    ("新建区公路事业发展中心", "区公路中心", _G),
    ("新建区乡村振兴服务中心", "区乡村振兴中心", _G),
    ("新建区疾病预防控制中心", "区疾控中心", _O),
    ("新建区人民医院", "区人民医院", _O),
    ("新建区档案馆", "区档案馆", _O),
    ("新建区气象局", "区气象局", _O),
    ("新建区消防救援大队", "区消防救援大队", _O),
    ("新建区残疾人联合会", "区残联", _O),
    ("新建区红十字会", "区红十字会", _O),
    ("新建区供销合作社联合社", "区供销社", _O),
    ("新建区自来水有限公司", "区自来水公司", _E),
    ("中国电信股份有限公司南昌新建分公司", "电信新建分公司", _E),
    ("中国移动通信集团江西有限公司南昌新建分公司", "移动新建分公司", _E),
    ("中国联合网络通信有限公司南昌新建分公司", "联通新建分公司", _E),
    ("长堎工业园区管理委员会", "长堎工业园管委会", _G),
    ("望城新区管理委员会", "望城新区管委会", _G),
    ("长堎镇人民政府", "长堎镇", _G),
    ("望城镇人民政府", "望城镇", _G),
    ("生米镇人民政府", "生米镇", _G),
    ("西山镇人民政府", "西山镇", _G),
    ("石岗镇人民政府", "石岗镇", _G),
    ("松湖镇人民政府", "松湖镇", _G),
    ("樵舍镇人民政府", "樵舍镇", _G),
    ("乐化镇人民政府", "乐化镇", _G),
    ("溪霞镇人民政府", "溪霞镇", _G),
    ("象山镇人民政府", "象山镇", _G),
    ("石埠镇人民政府", "石埠镇", _G),
    ("联圩镇人民政府", "联圩镇", _G),
    ("流湖镇人民政府", "流湖镇", _G),
    ("大塘坪乡人民政府", "大塘坪乡", _G),
    ("铁河乡人民政府", "铁河乡", _G),
    ("金桥乡人民政府", "金桥乡", _G),
    ("厚田乡人民政府", "厚田乡", _G),
    ("南矶乡人民政府", "南矶乡", _G),
    ("昌邑乡人民政府", "昌邑乡", _G),
)
TOWNS = tuple(name[:-4] for name, _, _ in DISTRICT_UNITS if name.endswith("镇人民政府"))

# Government departments of any city or county: (name suffix, short name). Province-wide, each place gets the first
# PROVINCE_DEPARTMENTS_PER_PLACE of them.
DEPARTMENTS = (
    ("发展和改革委员会", "发改委"),
    ("住房和城乡建设局", "住建局"),
    ("教育体育局", "教体局"),
    ("卫生健康委员会", "卫健委"),
    ("财政局", "财政局"),
    ("农业农村局", "农业农村局"),
    ("交通运输局", "交通运输局"),
    ("生态环境局", "生态环境局"),
    ("市场监督管理局", "市场监管局"),
    ("人力资源和社会保障局", "人社局"),
    ("民政局", "民政局"),
    ("文化广电新闻出版旅游局", "文广新旅局"),
    ("应急管理局", "应急管理局"),
    ("城市管理和综合执法局", "城管局"),
    ("公安局", "公安局"),
    ("自然资源和规划局", "自然资源局"),
    ("水利局", "水利局"),
    ("商务局", "商务局"),
    ("科学技术和工业信息化局", "科工信局"),
    ("司法局", "司法局"),
    ("医疗保障局", "医保局"),
    ("退役军人事务局", "退役军人事务局"),
    ("林业局", "林业局"),
    ("行政审批局", "行政审批局"),
    ("审计局", "审计局"),
    ("统计局", "统计局"),
    ("信访局", "信访局"),
    ("住房保障和房产管理局", "房管局"),
    ("数据局", "数据局"),
    ("人民防空办公室", "人防办"),
    ("机关事务管理局", "机关事务局"),
    ("人民政府国有资产监督管理委员会", "国资委"),
    ("地方金融管理局", "金融局"),
    ("粮食和物资储备局", "粮食局"),
    ("人民政府外事办公室", "外办"),
    ("民族宗教事务局", "民宗局"),
    ("投资促进局", "投促局"),
    ("公共资源交易中心", "公共资源交易中心"),
    ("住房公积金管理中心", "公积金中心"),
    ("供销合作社联合社", "供销社"),
    ("档案馆", "档案馆"),
    ("地方志研究室", "地方志研究室"),
    ("园林绿化局", "园林绿化局"),
    ("人民政府侨务办公室", "侨办"),
    ("人民政府研究室", "政研室"),
)
PROVINCE_DEPARTMENTS_PER_PLACE = 27

CITY_UNITS = (
    ("东湖区人民政府", "东湖区政府", _G),
    ("西湖区人民政府", "西湖区政府", _G),
    ("青云谱区人民政府", "青云谱区政府", _G),
    ("青山湖区人民政府", "青山湖区政府", _G),
    ("新建区人民政府", "新建区政府", _G),
    ("红谷滩区人民政府", "红谷滩区政府", _G),
    ("南昌县人民政府", "南昌县政府", _G),
    ("安义县人民政府", "安义县政府", _G),
    ("进贤县人民政府", "进贤县政府", _G),
    ("中共南昌市委组织部", "市委组织部", _P),
    ("中共南昌市委宣传部", "市委宣传部", _P),
    ("中共南昌市委统战部", "市委统战部", _P),
    ("中共南昌市委政法委员会", "市委政法委", _P),
    ("中共南昌市委机构编制委员会办公室", "市委编办", _P),
    ("南昌市中级人民法院", "市中级法院", _J),
    ("南昌市人民检察院", "市检察院", _J),
    ("国家税务总局南昌市税务局", "市税务局", _G),
    ("南昌高新技术产业开发区管理委员会", "高新区管委会", _G),
    ("南昌经济技术开发区管理委员会", "经开区管委会", _G),
    ("南昌小蓝经济技术开发区管理委员会", "小蓝经开区管委会", _G),
    ("国网南昌供电公司", "国网南昌供电公司", _E),
    ("南昌水业集团有限责任公司", "南昌水业集团", _E),
    ("南昌市政公用集团有限公司", "市政公用集团", _E),
    ("南昌轨道交通集团有限公司", "南昌轨道集团", _E),
    ("中国电信股份有限公司南昌分公司", "电信南昌分公司", _E),
    ("中国移动通信集团江西有限公司南昌分公司", "移动南昌分公司", _E),
    ("南昌市气象局", "市气象局", _O),
    ("南昌市消防救援支队", "市消防救援支队", _O),
    ("南昌市残疾人联合会", "市残联", _O),
    ("南昌市红十字会", "市红十字会", _O),
    ("南昌广播电视台", "南昌广播电视台", _O),
)
PROVINCE_UNITS = (
    ("国网江西省电力有限公司", "国网江西电力", _E),
    ("中国电信股份有限公司江西分公司", "电信江西分公司", _E),
    ("中国移动通信集团江西有限公司", "江西移动", _E),
)

# Region codes (the first six digits of an ID number) of Nanchang's districts and counties, weighted towards 360122:
# 新建县, whose code the adults of today's 新建区 (360112 since 2015) still carry.
NANCHANG_REGIONS = (
    ("360122", 50),
    ("360102", 6),
    ("360103", 6),
    ("360104", 4),
    ("360105", 3),
    ("360111", 6),
    ("360121", 8),
    ("360123", 4),
    ("360124", 8),
)

# Jiangxi: prefecture-level cities (name, telephone area code, counties as (name, region code)).
# fmt: off
PREFECTURES = (
    ("南昌市", "0791", (("东湖区", "360102"), ("西湖区", "360103"), ("青云谱区", "360104"), ("青山湖区", "360111"),
                       ("新建区", "360112"), ("红谷滩区", "360113"), ("南昌县", "360121"), ("安义县", "360123"),
                       ("进贤县", "360124"))),
    ("景德镇市", "0798", (("昌江区", "360202"), ("珠山区", "360203"), ("浮梁县", "360222"), ("乐平市", "360281"))),
    ("萍乡市", "0799", (("安源区", "360302"), ("湘东区", "360313"), ("莲花县", "360321"), ("上栗县", "360322"),
                       ("芦溪县", "360323"))),
    ("九江市", "0792", (("濂溪区", "360402"), ("浔阳区", "360403"), ("柴桑区", "360404"), ("武宁县", "360423"),
                       ("修水县", "360424"), ("永修县", "360425"), ("德安县", "360426"), ("都昌县", "360428"),
                       ("湖口县", "360429"), ("彭泽县", "360430"), ("瑞昌市", "360481"), ("共青城市", "360482"),
                       ("庐山市", "360483"))),
    ("新余市", "0790", (("渝水区", "360502"), ("分宜县", "360521"))),
    ("鹰潭市", "0701", (("月湖区", "360602"), ("余江区", "360603"), ("贵溪市", "360681"))),
    ("赣州市", "0797", (("章贡区", "360702"), ("南康区", "360703"), ("赣县区", "360704"), ("信丰县", "360722"),
                       ("大余县", "360723"), ("上犹县", "360724"), ("崇义县", "360725"), ("安远县", "360726"),
                       ("定南县", "360728"), ("全南县", "360729"), ("宁都县", "360730"), ("于都县", "360731"),
                       ("兴国县", "360732"), ("会昌县", "360733"), ("寻乌县", "360734"), ("石城县", "360735"),
                       ("瑞金市", "360781"), ("龙南市", "360783"))),
    ("吉安市", "0796", (("吉州区", "360802"), ("青原区", "360803"), ("吉安县", "360821"), ("吉水县", "360822"),
                       ("峡江县", "360823"), ("新干县", "360824"), ("永丰县", "360825"), ("泰和县", "360826"),
                       ("遂川县", "360827"), ("万安县", "360828"), ("安福县", "360829"), ("永新县", "360830"),
                       ("井冈山市", "360881"))),
    ("宜春市", "0795", (("袁州区", "360902"), ("奉新县", "360921"), ("万载县", "360922"), ("上高县", "360923"),
                       ("宜丰县", "360924"), ("靖安县", "360925"), ("铜鼓县", "360926"), ("丰城市", "360981"),
                       ("樟树市", "360982"), ("高安市", "360983"))),
    ("抚州市", "0794", (("临川区", "361002"), ("东乡区", "361003"), ("南城县", "361021"), ("黎川县", "361022"),
                       ("南丰县", "361023"), ("崇仁县", "361024"), ("乐安县", "361025"), ("宜黄县", "361026"),
                       ("金溪县", "361027"), ("资溪县", "361028"), ("广昌县", "361030"))),
    ("上饶市", "0793", (("信州区", "361102"), ("广丰区", "361103"), ("广信区", "361104"), ("玉山县", "361123"),
                       ("铅山县", "361124"), ("横峰县", "361125"), ("弋阳县", "361126"), ("余干县", "361127"),
                       ("鄱阳县", "361128"), ("万年县", "361129"), ("婺源县", "361130"), ("德兴市", "361181"))),
)
# fmt: on


@dataclass(frozen=True)
class Place:
    name: str
    region: str  # ID-number region code of people registered there
    area_code: str


# The 11 cities (their people carry the code of the city's first district) and the 100 counties of Jiangxi.
PROVINCE_PLACES = tuple(Place(city, counties[0][1], area) for city, area, counties in PREFECTURES) + tuple(
    Place(county, code, area) for _, area, counties in PREFECTURES for county, code in counties
)

# Names: surnames weighted roughly as in Jiangxi; given names of one or two characters.
# fmt: off
SURNAMES = (
    ("王", 8), ("李", 8), ("张", 7), ("刘", 7), ("陈", 7), ("胡", 5), ("杨", 4), ("黄", 4), ("吴", 4), ("徐", 4),
    ("罗", 4), ("熊", 4), ("周", 3), ("朱", 3), ("何", 3), ("谢", 3), ("邓", 3), ("彭", 3), ("曾", 3), ("肖", 3),
    ("余", 3), ("万", 3), ("赵", 2), ("孙", 2), ("郭", 2), ("林", 2), ("郑", 2), ("唐", 2), ("许", 2), ("袁", 2),
    ("叶", 2), ("程", 2), ("魏", 2), ("钟", 2), ("汪", 2), ("廖", 2), ("付", 2), ("涂", 2), ("喻", 2), ("龚", 2),
    ("邹", 2), ("马", 1), ("高", 1), ("梁", 1), ("宋", 1), ("韩", 1), ("冯", 1), ("曹", 1), ("田", 1), ("董", 1),
    ("潘", 1), ("于", 1), ("蒋", 1), ("蔡", 1), ("杜", 1), ("苏", 1), ("吕", 1), ("丁", 1), ("任", 1), ("沈", 1),
    ("姚", 1), ("卢", 1), ("谭", 1), ("陆", 1), ("范", 1), ("金", 1), ("夏", 1), ("方", 1), ("江", 1), ("雷", 1),
    ("黎", 1), ("饶", 1), ("晏", 1), ("章", 1), ("闵", 1), ("帅", 1), ("欧阳", 1),
)
MALE_CHARS = tuple(
    "伟强军勇杰涛斌波辉刚健明亮平华建国文志新春林海峰磊超鹏宇浩俊晨凯翔博毅坤智德忠荣东卫兵祥龙江飞云鸣远诚达宏庆"
    "长利根胜振锋良兴清昌洪松晖瑞阳立成才光彬旭鑫"
)
FEMALE_CHARS = tuple(
    "芳娜敏静丽艳娟霞燕玲婷雪梅琳颖慧莉萍红英华兰琴洁晶倩璐瑶欣怡佳悦蓉薇露莹婧媛月秀凤菊丹彤春虹云雯晓琼"
)
MINORITIES = (("畲族", 3), ("回族", 3), ("苗族", 1), ("壮族", 1), ("满族", 1), ("土家族", 1), ("蒙古族", 1),
              ("瑶族", 1), ("侗族", 1))
MOBILE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158", "159", "177",
                   "180", "181", "182", "186", "187", "188", "189", "191", "198", "199")

# Work units: pool -> (name template, titles). ``None`` titles: the head and deputy titles of the unit's name.
BRANDS = ("鸿达", "赣新", "昌源", "洪城", "瑞丰", "恒通", "金瑞", "华赣", "润泽", "天顺", "绿源", "博雅", "嘉禾",
          "丰源", "宏远", "新力", "佳和", "康达", "明阳", "联创", "远航", "长青", "旭日", "樟源", "滕阁", "梅岭",
          "象湖", "瑶湖", "赣江", "西山")
INDUSTRIES = ("实业", "建设工程", "农业发展", "食品", "医药", "物流", "电子科技", "新材料", "置业", "汽车销售服务",
              "生物科技", "文化传媒", "环保科技", "纺织服装", "机械制造", "食品科技", "电力工程", "信息技术")
UNIVERSITIES = ("南昌大学", "江西师范大学", "江西财经大学", "华东交通大学", "江西农业大学", "南昌航空大学",
                "江西中医药大学", "江西科技师范大学")
INSTITUTES = ("江西省农业科学院", "江西省林业科学院", "江西省水利科学院", "江西省科学院", "江西省地质调查研究院")
BANKS = ("中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "江西银行", "九江银行", "中国邮政储蓄银行")
VILLAGES = ("北岸", "前进", "红星", "胜利", "长丰", "新联", "东升", "下湾", "杨家", "万家", "熊家", "南岗", "塘口",
            "岭背", "樟树下")
TRADES = ("浙江", "福建", "温州", "汽车", "餐饮", "建材", "电子")
SPORTS = ("武术", "篮球", "乒乓球", "龙舟", "围棋", "足球")
ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八")
PARTY_DEPARTMENTS = ("组织部", "宣传部", "统战部", "政法委员会")
ROADS = ("长堎大道", "新建大道", "子实路", "礼步湖大道", "建设路", "文化大道", "迎宾大道", "学府路", "长征路",
         "望城大道")
# fmt: on

WORK_POOLS = {
    "party": (("中共{place}委{party_dept}", None), ("{town}党委", ("书记", "副书记", "组织委员"))),
    "government": (("{place}{dept}", None),),
    "town": (("{town}人民政府", None),),
    "school": (
        ("{place}第{ordinal}中学", ("校长", "副校长", "高级教师", "一级教师")),
        ("{town}中心小学", ("校长", "高级教师", "一级教师")),
        ("{place}职业技术学校", ("校长", "副校长", "讲师")),
        ("{university}", ("教授", "副教授", "学院院长", "讲师")),
    ),
    "hospital": (
        ("{place}人民医院", ("院长", "副院长", "主任医师", "副主任医师", "护士长")),
        ("{place}中医院", ("院长", "主任医师", "副主任医师")),
        ("{place}妇幼保健院", ("院长", "主任医师")),
        ("{town}卫生院", ("院长", "全科医师")),
        ("{place}疾病预防控制中心", ("主任", "副主任医师")),
    ),
    "business": (
        ("江西{brand}{industry}有限公司", ("董事长", "总经理", "副总经理", "董事长兼总经理")),
        ("南昌{brand}{industry}有限公司", ("董事长", "总经理", "财务总监")),
    ),
    "finance": (
        ("{bank}{place}支行", ("行长", "副行长")),
        ("{place}农村商业银行", ("董事长", "行长", "副行长")),
    ),
    "commerce": (
        ("{place}工商业联合会", ("主席", "副主席")),
        ("{place}{trade}商会", ("会长", "副会长")),
        ("江西{brand}{industry}有限公司", ("董事长", "总经理")),
    ),
    "law": (
        ("江西{brand}律师事务所", ("主任", "合伙人", "律师")),
        ("江西{brand}会计师事务所", ("所长", "注册会计师")),
    ),
    "agriculture": (
        ("{town}{village}村民委员会", ("党支部书记、村委会主任", "村委会主任")),
        ("{place}{brand}种养专业合作社", ("理事长",)),
        ("江西{brand}农业发展有限公司", ("董事长", "总经理")),
        ("{place}农业技术推广中心", ("主任", "高级农艺师")),
    ),
    "culture": (
        ("{place}文化馆", ("馆长", "副研究馆员")),
        ("{place}图书馆", ("馆长", "副研究馆员")),
        ("{place}美术家协会", ("主席", "副主席")),
        ("{place}书法家协会", ("主席", "副主席")),
        ("{place}采茶戏剧团", ("团长", "国家一级演员")),
        ("{place}作家协会", ("主席", "副主席")),
    ),
    "media": (
        ("{place}融媒体中心", ("主任", "副主任", "主任记者", "编辑")),
        ("江西日报社", ("记者", "主任编辑")),
        ("南昌广播电视台", ("记者", "制片人")),
    ),
    "science": (
        ("{place}科学技术协会", ("主席", "副主席")),
        ("{institute}", ("所长", "研究员", "副研究员")),
        ("江西{brand}科技有限公司", ("董事长", "总工程师", "技术总监")),
    ),
    "sports": (
        ("{place}体育中心", ("主任", "教练员")),
        ("{place}第{ordinal}中学", ("体育教师", "高级教师")),
        ("{place}{sport}协会", ("会长", "秘书长")),
    ),
    "welfare": (
        ("{place}社会福利院", ("院长",)),
        ("{place}残疾人联合会", ("理事长", "副理事长")),
        ("{place}红十字会", ("常务副会长",)),
        ("{town}敬老院", ("院长",)),
        ("{place}慈善总会", ("会长", "秘书长")),
    ),
    "religion": (
        ("{place}佛教协会", ("会长", "副会长")),
        ("{place}道教协会", ("会长", "副会长")),
        ("{place}基督教三自爱国运动委员会", ("主席", "副主席")),
        ("{place}天主教爱国会", ("主任", "副主任")),
        ("{place}伊斯兰教协会", ("会长",)),
    ),
    "youth": (
        ("共青团{place}委员会", ("书记", "副书记")),
        ("{place}第{ordinal}中学", ("团委书记", "一级教师")),
        ("江西{brand}科技有限公司", ("创始人", "总经理")),
    ),
    "union": (
        ("{place}总工会", ("主席", "副主席")),
        ("江西{brand}{industry}有限公司", ("工会主席", "高级技师", "车间主任")),
    ),
    "women": (
        ("{place}妇女联合会", ("主席", "副主席")),
        ("{town}妇联", ("主席",)),
        ("江西{brand}{industry}有限公司", ("董事长", "总经理")),
    ),
    "overseas": (
        ("{place}归国华侨联合会", ("主席", "副主席")),
        ("江西{brand}{industry}有限公司", ("董事长", "总经理")),
    ),
    "special": (
        ("{place}人民法院", None),
        ("{place}人民检察院", None),
        ("{place}人大常委会", ("原副主任",)),
        ("{place}{dept}", ("原局长", "四级调研员")),
    ),
}
STAFF_POSITIONS = ("办公室主任", "办公室副主任", "综合科科长", "一级科员", "提案办理联络员")


def head_titles(unit_name: str) -> tuple[str, str]:
    """The head's and a deputy's title for a unit, from the end of its name (局 → 局长, 委员会 → 主任 …)."""
    if unit_name.endswith("人民政府"):
        level = unit_name[-5]
        return f"{level}长", f"副{level}长"
    for suffix, titles in (
        ("检察院", ("检察长", "副检察长")),
        ("法院", ("院长", "副院长")),
        ("委员会", ("主任", "副主任")),
        ("联合社", ("主任", "副主任")),
        ("联合会", ("主席", "副主席")),
        ("公司", ("总经理", "副总经理")),
        ("局", ("局长", "副局长")),
        ("部", ("部长", "副部长")),
        ("大队", ("大队长", "教导员")),
        ("支队", ("支队长", "政治委员")),
        ("馆", ("馆长", "副馆长")),
        ("会", ("会长", "副会长")),
        ("电视台", ("台长", "副台长")),
    ):
        if unit_name.endswith(suffix):
            return titles
    return "主任", "副主任"


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals, as in 第十七届."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


# Building ------------------------------------------------------------------------------------------------------


@dataclass
class _Person:
    name: str
    gender: str
    birth_date: datetime.date
    id_number: str
    mobile: str


@dataclass
class _MemberPlan:
    person: _Person
    sector: int  # index into SECTORS
    party: str  # short name
    ethnicity: str
    work_unit: str
    title: str
    status: str = MemberStatus.SERVING
    standing: bool = False
    special_committees: list = field(default_factory=list)  # names
    served_previous_term: bool = False
    username: str = ""


class _Builder:
    def __init__(self, *, tier: Tier, seed: int, batch_size: int, log: Callable[[str], None]):
        self.tier = tier
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.log = log
        self.id_numbers: set[str] = set()
        self.mobiles: set[str] = set(DEMO_MEMBER_MOBILES.values())
        self._surnames = [s for s, _ in SURNAMES]
        self._surname_weights = [w for _, w in SURNAMES]

    # Random people ------------------------------------------------------------------------------------------

    def _weighted(self, pairs: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]

    def name(self, gender: str) -> str:
        chars = MALE_CHARS if gender == Gender.MALE else FEMALE_CHARS
        surname = self.rng.choices(self._surnames, weights=self._surname_weights)[0]
        size = 1 if self.rng.random() < 0.35 else 2
        return surname + "".join(self.rng.sample(chars, size))

    def id_number(self, region: str, birth: datetime.date, gender: str) -> str:
        # The 17th digit is odd for men and even for women (GB 11643-1999).
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if gender == Gender.MALE else 0)
            first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
            value = first17 + id_check_digit(first17)
            if value not in self.id_numbers:
                self.id_numbers.add(value)
                return value

    def mobile(self) -> str:
        while True:
            value = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if value not in self.mobiles and not value.startswith("1390000"):
                self.mobiles.add(value)
                return value

    def person(self, *, female: float = 0.3, born: tuple[int, int] = (1962, 1990), region: str) -> _Person:
        gender = Gender.FEMALE if self.rng.random() < female else Gender.MALE
        birth = datetime.date(self.rng.randint(*born), 1, 1) + datetime.timedelta(days=self.rng.randrange(365))
        return _Person(self.name(gender), gender, birth, self.id_number(region, birth, gender), self.mobile())

    def region(self, place: Place | None) -> str:
        return place.region if place is not None else self._weighted(NANCHANG_REGIONS)

    def member_place(self) -> Place | None:
        return self.rng.choice(PROVINCE_PLACES) if self.tier.spans_province else None

    def work(self, pools: tuple[str, ...], place: Place | None) -> tuple[str, str]:
        template, titles = self.rng.choice(WORK_POOLS[self.rng.choice(pools)])
        dept = self.rng.choice(DEPARTMENTS[:PROVINCE_DEPARTMENTS_PER_PLACE])[0]
        unit = template.format(
            place=place.name if place is not None else self.tier.place,
            town=self.rng.choice(TOWNS),
            dept=dept,
            party_dept=self.rng.choice(PARTY_DEPARTMENTS),
            ordinal=self.rng.choice(ORDINALS),
            university=self.rng.choice(UNIVERSITIES),
            institute=self.rng.choice(INSTITUTES),
            brand=self.rng.choice(BRANDS),
            industry=self.rng.choice(INDUSTRIES),
            bank=self.rng.choice(BANKS),
            village=self.rng.choice(VILLAGES),
            trade=self.rng.choice(TRADES),
            sport=self.rng.choice(SPORTS),
        )
        return unit, self.rng.choice(titles or head_titles(unit))

    # Steps --------------------------------------------------------------------------------------------------

    def run(self) -> None:
        self.committee_and_terms()
        self.parties_sectors_committees()
        self.units()
        plans = self.plan_members()
        self.demo_staff_accounts()
        self.members(plans)
        self.unit_staff()
        self.collective_proposers()

    def committee_and_terms(self) -> None:
        t = self.tier
        self.committee = Committee.objects.create(
            name=t.committee_name, short_name=t.committee_short_name, level=t.level
        )
        # The province meets a fortnight after the districts, as in most years.
        day_offset = 14 if t.level == CommitteeLevel.PROVINCE else 0
        self.terms = []
        for number, first_year in ((t.term_number - 1, t.first_year - 5), (t.term_number, t.first_year)):
            term = Term.objects.create(
                committee=self.committee,
                number=number,
                name=f"第{chinese_number(number)}届",
                starts_on=datetime.date(first_year, 1, 1),
                ends_on=datetime.date(first_year + 4, 12, 31),
            )
            sessions = []
            for i in range(5):
                year = first_year + i
                opens = datetime.date(year, 1, 4 + year % 4 + day_offset)
                closes = opens + datetime.timedelta(days=3)
                sessions.append(
                    Session(
                        term=term,
                        number=i + 1,
                        name=f"第{chinese_number(i + 1)}次会议",
                        year=year,
                        opens_on=opens,
                        closes_on=closes,
                        proposal_window_opens=opens - datetime.timedelta(days=35),
                        proposal_deadline=closes - datetime.timedelta(days=1),
                    )
                )
            Session.objects.bulk_create(sessions)
            self.terms.append(term)
        self.previous_term, self.term = self.terms

    def parties_sectors_committees(self) -> None:
        parties = Party.objects.bulk_create(
            [Party(name=name, short_name=short, sort_order=i + 1) for i, (name, short) in enumerate(PARTIES)]
        )
        self.parties = {p.short_name: p for p in parties}
        self.sectors = Sector.objects.bulk_create(
            [Sector(name=s.name, sort_order=i + 1) for i, s in enumerate(SECTORS)]
        )
        committees = SpecialCommittee.objects.bulk_create(
            [SpecialCommittee(name=name, sort_order=i + 1) for i, name in enumerate(SPECIAL_COMMITTEES)]
        )
        self.special_committees = {c.name: c for c in committees}

    def _unit_rows(self) -> list[tuple[str, str, str, str, str]]:
        """(name, short name, kind, place, telephone area code) of the tier's units."""
        t = self.tier
        if t.level == CommitteeLevel.DISTRICT:
            rows = [(n, s, k, t.place, "0791") for n, s, k in DISTRICT_UNITS]
        elif t.level == CommitteeLevel.CITY:
            rows = [(t.place + n, t.place_prefix + s, _G, t.place, "0791") for n, s in DEPARTMENTS]
            rows += [(n, s, k, t.place, "0791") for n, s, k in CITY_UNITS]
        else:
            rows = [
                (p.name + n, p.name + s, _G, p.name, p.area_code)
                for p in PROVINCE_PLACES
                for n, s in DEPARTMENTS[:PROVINCE_DEPARTMENTS_PER_PLACE]
            ]
            rows += [(n, s, k, "南昌市", "0791") for n, s, k in PROVINCE_UNITS]
        if len(rows) < t.units:
            raise ValueError(f"tier {t.key} wants {t.units} units but only {len(rows)} names are defined")
        return rows[: t.units]

    def units(self) -> None:
        units = []
        for name, short, kind, place, area in self._unit_rows():
            units.append(
                HandlingUnit(
                    name=name,
                    short_name=short,
                    kind=kind,
                    contact_phone=f"{area}-8{self.rng.randrange(10**7):07d}",
                    address=f"{place}{self.rng.choice(ROADS)}{self.rng.randint(1, 999)}号",
                )
            )
        self.units_created = HandlingUnit.objects.bulk_create(units, batch_size=self.batch_size)
        self.log(f"{len(self.units_created)} handling units")

    def plan_members(self) -> list[_MemberPlan]:
        t = self.tier
        plans = []
        for index, count in enumerate(_allocate(t.members, [s.weight for s in SECTORS])):
            spec = SECTORS[index]
            for _ in range(count):
                place = self.member_place()
                person = self.person(female=spec.female, born=spec.born, region=self.region(place))
                party = self._weighted(list(spec.parties.items()))
                if spec.name == "少数民族" or self.rng.random() < 0.015:
                    ethnicity = self._weighted(MINORITIES)
                else:
                    ethnicity = "汉族"
                work_unit, title = self.work(spec.pools, place)
                plans.append(_MemberPlan(person, index, party, ethnicity, work_unit, title))
        self.rng.shuffle(plans)

        # A few have left during the term.
        for plan in self.rng.sample(plans, round(len(plans) * 0.02)):
            plan.status = MemberStatus.RESIGNED if self.rng.random() < 0.8 else MemberStatus.REMOVED

        # Conveners for most sectors, always for the one demo-member convenes; conveners sit on the standing committee.
        serving_by_sector: dict[int, list[_MemberPlan]] = {}
        for plan in plans:
            if plan.status == MemberStatus.SERVING:
                serving_by_sector.setdefault(plan.sector, []).append(plan)
        self.conveners: dict[int, _MemberPlan] = {}
        for index, spec in enumerate(SECTORS):
            candidates = serving_by_sector.get(index, [])
            if candidates and (spec.name == CONVENER_SECTOR or self.rng.random() < 0.85):
                self.conveners[index] = convener = self.rng.choice(candidates)
                convener.standing = True
        others = [p for p in plans if not p.standing and p.status == MemberStatus.SERVING]
        for plan in self.rng.sample(others, max(0, min(len(others), t.standing - len(self.conveners)))):
            plan.standing = True

        for plan in plans:
            spec = SECTORS[plan.sector]
            roll = self.rng.random()
            if roll < 0.65:
                count = 2 if roll < 0.1 else 1
                leaning = SECTOR_AFFINITY.get(spec.name)
                first = leaning if leaning and self.rng.random() < 0.7 else self.rng.choice(SPECIAL_COMMITTEES)
                chosen = [first]
                if count == 2:
                    chosen.append(self.rng.choice([c for c in SPECIAL_COMMITTEES if c != first]))
                plan.special_committees = chosen
            plan.served_previous_term = plan.person.birth_date.year < 1985 and self.rng.random() < 0.4

        sector_index = {s.name: i for i, s in enumerate(SECTORS)}
        self.demo_member = self.conveners[sector_index[CONVENER_SECTOR]]
        self.demo_member2 = next(
            p
            for p in serving_by_sector[sector_index[PLAIN_MEMBER_SECTOR]]
            if not p.standing and p not in self.conveners.values()
        )
        digits = max(4, len(str(len(plans))))
        for number, plan in enumerate(plans, start=1):
            plan.username = f"m{number:0{digits}d}"
        for username, plan in (("demo-member", self.demo_member), ("demo-member2", self.demo_member2)):
            plan.username = username
            plan.person.mobile = DEMO_MEMBER_MOBILES[username]
        self.log(f"{len(plans)} members planned")
        return plans

    def demo_staff_accounts(self) -> None:
        self.demo_users = {}
        for account in DEMO_ACCOUNTS:
            if account.username in _GRANTED:
                user = account_create(
                    username=account.username, password=DEMO_PASSWORD, display_name=account.display_name
                )
                role_grant(user=user, role=_GRANTED[account.username], actor=None)
                self.demo_users[account.username] = user

    def members(self, plans: list[_MemberPlan]) -> None:
        User = get_user_model()
        users = {}
        for plan in (self.demo_member, self.demo_member2):
            users[plan.username] = account_create(
                username=plan.username,
                password=DEMO_PASSWORD,
                display_name=plan.person.name,
                mobile=plan.person.mobile,
            )
        self.demo_users.update(users)
        mass = [_account(User, p.username, p.person.name, p.person.mobile) for p in plans if p.username not in users]
        for user in User.objects.bulk_create(mass, batch_size=self.batch_size):
            users[user.username] = user
        self.log(f"{len(users)} member accounts")

        members = []
        for plan in plans:
            p = plan.person
            member = Member(
                user=users[plan.username],
                name=p.name,
                gender=p.gender,
                ethnicity=plan.ethnicity,
                birth_date=p.birth_date,
                work_unit=plan.work_unit,
                title=plan.title,
                sector=self.sectors[plan.sector],
                party=self.parties[plan.party],
                is_standing_committee=plan.standing,
                status=plan.status,
            )
            member.set_id_number(p.id_number)
            member.set_mobile(p.mobile)
            members.append(member)
        members = Member.objects.bulk_create(members, batch_size=self.batch_size)
        self.member_of = {plan.username: m for plan, m in zip(plans, members, strict=True)}

        term_rows, committee_rows = [], []
        for plan, member in zip(plans, members, strict=True):
            term_rows.append(Member.terms.through(member_id=member.pk, term_id=self.term.pk))
            if plan.served_previous_term:
                term_rows.append(Member.terms.through(member_id=member.pk, term_id=self.previous_term.pk))
            for name in plan.special_committees:
                committee_rows.append(
                    Member.special_committees.through(
                        member_id=member.pk, specialcommittee_id=self.special_committees[name].pk
                    )
                )
        Member.terms.through.objects.bulk_create(term_rows, batch_size=self.batch_size)
        Member.special_committees.through.objects.bulk_create(committee_rows, batch_size=self.batch_size)

        for index, plan in self.conveners.items():
            self.sectors[index].convener = self.member_of[plan.username]
        Sector.objects.bulk_update(self.sectors, ["convener"])
        self.plans = plans
        self.log(f"{len(members)} members")

    def unit_staff(self) -> None:
        User = get_user_model()
        place = self.tier.demo_unit_place
        demo_posts = {
            f"{place}住房和城乡建设局": {"demo-unit": False, "demo-unit-leader": True},
            f"{place}教育体育局": {"demo-unit2": False},
        }
        accounts = {a.username: a for a in DEMO_ACCOUNTS}
        posts: list[tuple[HandlingUnit, str, bool, str]] = []  # unit, username, leader, position
        mass = []
        for number, unit in enumerate(self.units_created, start=1):
            head, deputy = head_titles(unit.name)
            demo = demo_posts.get(unit.name, {})
            for username, is_leader in demo.items():
                user = account_create(
                    username=username,
                    password=DEMO_PASSWORD,
                    display_name=accounts[username].display_name,
                    mobile=self.mobile(),
                )
                self.demo_users[username] = user
                posts.append((unit, username, is_leader, deputy if is_leader else "提案办理联络员"))
            staff_wanted = self.rng.choice((1, 2)) - sum(1 for leader in demo.values() if not leader)
            for k in range(1, staff_wanted + 1):
                username = f"u{number:04d}-{k}"
                mass.append(self._staff_account(User, username))
                posts.append((unit, username, False, self.rng.choice(STAFF_POSITIONS)))
            if not any(demo.values()):
                username = f"u{number:04d}-leader"
                mass.append(self._staff_account(User, username))
                posts.append((unit, username, True, self.rng.choice((head, deputy))))
        missing = set(demo_posts) - {u.name for u in self.units_created}
        if missing:
            raise ValueError(f"tier {self.tier.key} has no unit named {', '.join(sorted(missing))}")
        users = {u.username: u for u in User.objects.bulk_create(mass, batch_size=self.batch_size)}
        users.update(self.demo_users)
        staff = [
            UnitStaff(unit=unit, user=users[name], is_leader=leader, position=pos) for unit, name, leader, pos in posts
        ]
        UnitStaff.objects.bulk_create(staff, batch_size=self.batch_size)
        self.log(f"{len(posts)} unit staff accounts")

    def _staff_account(self, User, username: str):
        person = self.person(female=0.45, born=(1970, 1998), region=self.region(self.member_place()))
        return _account(User, username, person.name, person.mobile)

    def collective_proposers(self) -> None:
        place = self.tier.place
        sector_index = {s.name: i for i, s in enumerate(SECTORS)}
        serving = [p for p in self.plans if p.status == MemberStatus.SERVING]

        def contact_for_sector(name: str):
            plan = self.conveners.get(sector_index[name]) or next(p for p in serving if SECTORS[p.sector].name == name)
            return self.member_of[plan.username].user

        collectives: list[tuple[CollectiveProposer, list]] = []
        for short in DEMOCRATIC_PARTIES:
            proposer = CollectiveProposer(
                name=f"{short}{place}委员会", kind=CollectiveKind.PARTY, party=self.parties[short]
            )
            collectives.append((proposer, [contact_for_sector(short)]))
        for sector_name, template in ORGANISATIONS:
            sector = self.sectors[sector_index[sector_name]]
            collectives.append(
                (
                    CollectiveProposer(
                        name=template.format(place=place), kind=CollectiveKind.ORGANISATION, sector=sector
                    ),
                    [contact_for_sector(sector_name)],
                )
            )
        for name, committee in self.special_committees.items():
            members = [p for p in serving if name in p.special_committees]
            contacts = [self.member_of[p.username].user for p in members[:2]]
            if name == "提案委员会":
                contacts.insert(0, self.demo_users["demo-office"])
            collectives.append(
                (
                    CollectiveProposer(name=name, kind=CollectiveKind.SPECIAL_COMMITTEE, special_committee=committee),
                    contacts,
                )
            )
        created = CollectiveProposer.objects.bulk_create([c for c, _ in collectives])
        CollectiveProposer.contacts.through.objects.bulk_create(
            [
                CollectiveProposer.contacts.through(collectiveproposer_id=c.pk, user_id=u.pk)
                for c, (_, contacts) in zip(created, collectives, strict=True)
                for u in contacts
            ]
        )


def _account(User, username: str, display_name: str, mobile: str):
    """An account for bulk insertion: signs in only after a password is set (by the person, or an admin)."""
    user = User(username=username, display_name=display_name, mobile=mobile, mobile_digest=crypto.digest(mobile))
    user.set_unusable_password()
    return user


def _allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), at least one each."""
    scale = sum(weights)
    exact = [total * w / scale for w in weights]
    counts = [max(1, int(x)) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    i = 0
    while sum(counts) < total:
        counts[by_remainder[i % len(counts)]] += 1
        i += 1
    while sum(counts) > total:
        largest = max(range(len(counts)), key=counts.__getitem__)
        counts[largest] -= 1
    return counts


# Entry points --------------------------------------------------------------------------------------------------


def organisation_present(tier: Tier = DEMO_DISTRICT) -> bool:
    """True if this database already holds ``tier``'s committee. Raises ``DemoConflict`` if it holds other
    organisation data, which the demo must not be mixed into."""
    if Committee.objects.filter(name=tier.committee_name).exists():
        return True
    User = get_user_model()
    if (
        Committee.objects.exists()
        or Member.objects.exists()
        or HandlingUnit.objects.exists()
        or User.objects.filter(username__in=DEMO_USERNAMES).exists()
    ):
        raise DemoConflict(
            "This database already holds organisation data or demo accounts; "
            "the demo is built only into an empty (migrated) database."
        )
    return False


def organisation_summary(tier: Tier = DEMO_DISTRICT, *, created: bool) -> dict:
    """Counts of the organisation data and the demo accounts (with the roles they hold now)."""
    User = get_user_model()
    serving = Member.objects.filter(status=MemberStatus.SERVING)
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    accounts = []
    for account in DEMO_ACCOUNTS:
        user = users.get(account.username)
        accounts.append(
            {
                "username": account.username,
                "password": DEMO_PASSWORD,
                "name": str(user) if user else "",
                "roles": [r.value for r in Role if user and r in roles_of(user)],
                "note": account.note,
            }
        )
    return {
        "created": created,
        "committee": tier.committee_name,
        "counts": {
            "terms": Term.objects.count(),
            "sessions": Session.objects.count(),
            "parties": Party.objects.count(),
            "sectors": Sector.objects.count(),
            "sectors_with_convener": Sector.objects.filter(convener__isnull=False).count(),
            "special_committees": SpecialCommittee.objects.count(),
            "collective_proposers": CollectiveProposer.objects.count(),
            "members": Member.objects.count(),
            "serving_members": serving.count(),
            "standing_committee": serving.filter(is_standing_committee=True).count(),
            "handling_units": HandlingUnit.objects.count(),
            "unit_staff": UnitStaff.objects.count(),
            "unit_leaders": UnitStaff.objects.filter(is_leader=True).count(),
            "accounts": User.objects.count(),
        },
        "accounts": accounts,
    }


def build_organisation(
    *, tier: Tier, seed: int = DEMO_SEED, batch_size: int = 2000, log: Callable[[str], None] | None = None
) -> dict:
    """Build ``tier``'s committee into an empty database in one transaction; a second call changes nothing.

    Returns ``organisation_summary`` (``created`` is False when the data was already there).
    """
    if organisation_present(tier):
        return organisation_summary(tier, created=False)
    with transaction.atomic():
        _Builder(tier=tier, seed=seed, batch_size=batch_size, log=log or (lambda message: None)).run()
    return organisation_summary(tier, created=True)


def build_demo_district(*, seed: int = DEMO_SEED) -> dict:
    """政协南昌市新建区委员会: about 250 members, 40 handling units and the demo accounts."""
    return build_organisation(tier=DEMO_DISTRICT, seed=seed)
