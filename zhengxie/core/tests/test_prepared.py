"""Prepared reads give exactly what the same queryset gives through the ORM, on SQLite and PostgreSQL, compile once,
and refuse a queryset whose values would not reach the SQL as plain parameters."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, F, Prefetch
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.builders.org import make_member
from zhengxie.core.prepared import Prepared, Variants
from zhengxie.people.models import Member, Sector, Session


def _by_sector(sector):
    return (
        Member.objects.filter(sector_id=sector)
        .select_related("sector", "party")
        .annotate(terms_count=Count("terms"))
        .order_by("name", "id")
    )


def _fields(member):
    return (
        member.pk,
        member.name,
        member.mobile,
        member.id_number,
        member.birth_date,
        member.created_at,
        member.sector.name,
        member.party.name,
        member.terms_count,
    )


@pytest.fixture
def org(org):
    """The test organisation with three more members in its first sector."""
    for seq in range(3, 6):
        make_member(name=f"委员{seq}", sector=org.sector, party=org.party, seq=seq, term=org.term)
    return org


@pytest.mark.django_db
def test_model_instances_match_the_orm_with_joins_annotations_and_decrypted_fields(org):
    prepared = Prepared(_by_sector, sector=int)

    for sector in (org.sector, org.other_sector):
        expected = [_fields(m) for m in _by_sector(sector.pk)]
        assert expected, "the organisation has members in both sectors"
        got = prepared.list(sector=sector.pk)
        assert [_fields(m) for m in got] == expected
        assert all(isinstance(m, Member) and m._state.db == "default" and not m._state.adding for m in got)


@pytest.mark.django_db
def test_the_sql_is_compiled_once_and_each_read_is_one_query(org):
    calls = []

    def build(sector):
        calls.append(sector)
        return Member.objects.filter(sector_id=sector).order_by("id")

    prepared = Prepared(build, sector=int)
    prepared.list(sector=org.sector.pk)
    assert len(calls) == 2  # two sets of stand-ins, once
    with CaptureQueriesContext(connection) as queries:
        first = prepared.list(sector=org.sector.pk)
        second = prepared.list(sector=org.other_sector.pk)
    assert len(calls) == 2
    assert len(queries) == 2
    assert {m.sector_id for m in first} == {org.sector.pk}
    assert {m.sector_id for m in second} == {org.other_sector.pk}


@pytest.mark.django_db
def test_only_defer_values_and_values_list(org):
    only = Prepared(lambda s: Member.objects.filter(sector_id=s).only("name").order_by("id"), s=int)
    got = only.list(s=org.sector.pk)
    assert [m.name for m in got] == list(
        Member.objects.filter(sector=org.sector).order_by("id").values_list("name", flat=True)
    )
    assert got[0].get_deferred_fields() >= {"mobile", "birth_date"}

    values = Prepared(
        lambda s: Member.objects.filter(sector_id=s).order_by("id").values("id", "name", "sector__name"), s=int
    )
    assert values.list(s=org.sector.pk) == list(
        Member.objects.filter(sector=org.sector).order_by("id").values("id", "name", "sector__name")
    )

    tuples = Prepared(
        lambda s: Member.objects.filter(sector_id=s).order_by("id").values_list("id", "birth_date"), s=int
    )
    assert tuples.list(s=org.sector.pk) == list(
        Member.objects.filter(sector=org.sector).order_by("id").values_list("id", "birth_date")
    )

    flat = Prepared(lambda s: Member.objects.filter(sector_id=s).order_by("id").values_list("name", flat=True), s=int)
    assert flat.list(s=org.sector.pk) == list(
        Member.objects.filter(sector=org.sector).order_by("id").values_list("name", flat=True)
    )

    annotated = Prepared(
        lambda s: (
            Member.objects.filter(sector_id=s).annotate(doubled=F("id") * 2).order_by("id").values_list("id", "doubled")
        ),
        s=int,
    )
    assert annotated.list(s=org.sector.pk) == [
        (m.pk, m.pk * 2) for m in Member.objects.filter(sector=org.sector).order_by("id")
    ]


@pytest.mark.django_db
def test_dates_and_times_as_parameters(org):
    session = Session.objects.create(
        term=org.term,
        number=9,
        name="九次会议",
        year=2026,
        opens_on=datetime.date(2026, 1, 10),
        closes_on=datetime.date(2026, 1, 14),
    )
    by_day = Prepared(lambda day: Session.objects.filter(opens_on__lte=day, closes_on__gte=day), day=datetime.date)
    assert by_day.list(day=datetime.date(2026, 1, 12)) == [session]
    assert by_day.list(day=datetime.date(2026, 1, 15)) == []

    joined = Prepared(
        lambda since: Member.objects.filter(created_at__gte=since).order_by("id"), since=datetime.datetime
    )
    now = timezone.now()
    assert joined.list(since=now - datetime.timedelta(hours=1)) == list(Member.objects.order_by("id"))
    assert joined.list(since=now + datetime.timedelta(hours=1)) == []
    with pytest.raises(ValueError, match="aware"):
        joined.list(since=datetime.datetime(2026, 1, 1))
    with pytest.raises(TypeError):
        by_day.list(day=now)  # a time is not a day


@pytest.mark.django_db
def test_first_count_exists_and_slices(org):
    prepared = Prepared(lambda s: Member.objects.filter(sector_id=s).order_by("id"), s=int)
    members = list(Member.objects.filter(sector=org.sector).order_by("id"))
    assert len(members) >= 2
    assert prepared.first(s=org.sector.pk) == members[0]
    assert prepared.count(s=org.sector.pk) == len(members)
    assert prepared.exists(s=org.sector.pk)
    assert prepared.list(s=org.sector.pk, start=1, stop=2) == members[1:2]
    assert prepared.list(s=org.sector.pk, start=1) == members[1:]
    assert prepared.list(s=org.sector.pk, start=0, stop=0) == []
    assert prepared.first(s=-1) is None
    assert prepared.count(s=-1) == 0
    assert not prepared.exists(s=-1)


@pytest.mark.django_db
def test_parameters_of_the_same_type_are_told_apart(org):
    prepared = Prepared(lambda s, p: Member.objects.filter(sector_id=s, party_id=p).order_by("id"), s=int, p=int)
    expected = list(Member.objects.filter(sector=org.sector, party=org.party).order_by("id"))
    assert expected
    assert prepared.list(s=org.sector.pk, p=org.party.pk) == expected
    assert prepared.list(s=org.party.pk, p=org.sector.pk) == list(
        Member.objects.filter(sector_id=org.party.pk, party_id=org.sector.pk).order_by("id")
    )


@pytest.mark.django_db
def test_a_list_parameter_is_padded(org):
    prepared = Prepared(lambda ids: Member.objects.filter(pk__in=ids).order_by("id"), ids=(int, 5))
    members = list(Member.objects.order_by("id"))
    assert prepared.list(ids=[members[0].pk]) == members[:1]
    assert prepared.list(ids=[m.pk for m in members[:3]]) == members[:3]
    with pytest.raises(ValueError):
        prepared.list(ids=[])
    one = Prepared(lambda ids: Member.objects.filter(pk__in=ids), ids=(int, 1))
    assert one.list(ids=[members[1].pk]) == [members[1]]
    with pytest.raises(ValueError):
        prepared.list(ids=[1, 2, 3, 4, 5, 6])


@pytest.mark.django_db
def test_prefetch_related_runs_on_the_instances(org):
    prepared = Prepared(
        lambda s: Sector.objects.filter(pk=s).prefetch_related(Prefetch("members", Member.objects.order_by("id"))),
        s=int,
    )
    (sector,) = prepared.list(s=org.sector.pk)
    with CaptureQueriesContext(connection) as queries:
        names = [m.name for m in sector.members.all()]
    assert len(queries) == 0
    assert names == list(Member.objects.filter(sector=org.sector).order_by("id").values_list("name", flat=True))


@pytest.mark.django_db
def test_values_that_would_not_reach_the_sql_as_parameters_are_refused(org):
    transformed = Prepared(lambda text: Member.objects.filter(name__icontains=text), text=str)
    with pytest.raises(ImproperlyConfigured, match="transformed"):
        transformed.list(text="张")

    unused = Prepared(lambda s, other: Member.objects.filter(sector_id=s), s=int, other=int)
    with pytest.raises(ImproperlyConfigured, match="not found"):
        unused.list(s=1, other=2)

    shaped = Prepared(lambda s: Member.objects.filter(sector_id=s)[: s - 31000], s=int)
    with pytest.raises(ImproperlyConfigured, match="change the SQL"):
        shaped.list(s=1)

    locking = Prepared(lambda s: Member.objects.filter(sector_id=s).select_for_update(), s=int)
    with pytest.raises(ImproperlyConfigured, match="lock"):
        locking.list(s=1)


def test_parameters_are_checked_before_anything_is_read():
    prepared = Prepared(lambda s: Member.objects.filter(sector_id=s), s=int)
    with pytest.raises(TypeError):
        prepared.list(s="1")
    with pytest.raises(TypeError):
        prepared.list(s=True)
    with pytest.raises(TypeError):
        prepared.list()
    with pytest.raises(ImproperlyConfigured):
        Prepared(lambda s: Member.objects.all(), s=float)


@pytest.mark.django_db
def test_variants_keep_one_prepared_read_per_key(org):
    variants = Variants(size=2)
    a = variants.get(("a",), lambda s: Member.objects.filter(sector_id=s), s=int)
    assert variants.get(("a",), lambda s: Member.objects.none(), s=int) is a
    variants.get(("b",), lambda s: Member.objects.filter(sector_id=s), s=int)
    variants.get(("c",), lambda s: Member.objects.filter(sector_id=s), s=int)
    assert variants.get(("a",), lambda s: Member.objects.filter(sector_id=s), s=int) is not a
    assert {m.pk for m in a.list(s=org.sector.pk)} == set(
        Member.objects.filter(sector=org.sector).values_list("pk", flat=True)
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@pytest.mark.django_db
def test_on_postgresql_a_read_by_key_is_a_prepared_statement_and_a_list_is_planned_each_time(org, settings):
    settings.DB_PREPARED_STATEMENTS = True
    by_key = Prepared(lambda pk: Member.objects.filter(pk=pk).only("name"), name="member by key", pk=int)
    listed = Prepared(
        lambda s: Member.objects.filter(sector_id=s).only("birth_date").order_by("id"), server_plan=False, s=int
    )
    assert by_key.first(pk=org.member.pk).name == org.member.name
    assert listed.list(s=org.sector.pk)

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('"people_member"."name"' in s and "$1" in s for s in statements)
    assert not any('"people_member"."birth_date"' in s for s in statements)

    with CaptureQueriesContext(connection) as queries:
        assert by_key.first(pk=org.member2.pk) == org.member2
    (logged,) = queries.captured_queries  # logged as Django logs its own queries, with the values
    assert '"people_member"."name"' in logged["sql"] and f"= {org.member2.pk}" in logged["sql"]

    settings.DB_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as queries:
        assert by_key.first(pk=org.member2.pk) == org.member2
    assert len(queries) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@pytest.mark.django_db
def test_on_postgresql_one_statement_serves_every_size_of_value(org, settings):
    settings.DB_PREPARED_STATEMENTS = True
    by_ids = Prepared(
        lambda ids: Member.objects.filter(pk__in=ids).only("work_unit").order_by("id"), name="by ids", ids=(int, 3)
    )
    members = list(Member.objects.order_by("id")[:2])
    assert by_ids.list(ids=[members[0].pk, 70_000, 5_000_000_000]) == members[:1]
    assert by_ids.list(ids=[m.pk for m in members]) == members
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT parameter_types::text FROM pg_prepared_statements WHERE statement LIKE %s", ["%work_unit%"]
        )
        assert [row[0] for row in cursor.fetchall()] == ["{bigint,bigint,bigint}"]
