import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from planner import links, services
from planner.engine import RULES_VERSION, recommend
from planner.models import Plan, PlanRevision
from tests.factories import CLOUD_ONLY, make_answers, make_plan, partner

pytestmark = pytest.mark.django_db


def all_stored_text():
    """Return every value of every plan table row, as one string."""
    chunks = []
    with connection.cursor() as cursor:
        for table in (Plan._meta.db_table, PlanRevision._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (our own table names)
            chunks += [str(value) for row in cursor.fetchall() for value in row]
    return "\n".join(chunks)


def test_create_plan_stores_answers_recommendation_and_rules_version():
    answers = make_answers()
    plan = make_plan(name="Contoso", answers=answers).plan
    plan.refresh_from_db()
    assert plan.name == "Contoso"
    assert plan.revision == 1
    assert plan.answers == answers.to_dict()
    assert plan.recommendation == recommend(answers).to_dict()
    assert plan.rules_version == RULES_VERSION


def test_create_plan_writes_revision_one_with_the_same_data():
    plan = make_plan().plan
    revision = PlanRevision.objects.get(plan=plan)
    assert revision.number == 1
    assert (revision.name, revision.answers, revision.recommendation) == (
        plan.name,
        plan.answers,
        plan.recommendation,
    )


def test_create_plan_returns_independent_share_and_edit_tokens():
    saved = make_plan()
    assert links.is_token(saved.share_token)
    assert links.is_token(saved.edit_token)
    assert saved.share_token != saved.edit_token


def test_database_holds_no_plaintext_token():
    saved = make_plan()
    stored = all_stored_text()
    assert saved.share_token not in stored
    assert saved.edit_token not in stored
    assert links.hash_token(saved.share_token) in stored


def test_saving_a_plan_takes_at_most_six_queries(django_assert_max_num_queries):
    answers = make_answers(partners=[partner(f"P{i}", [f"p{i}.example.com"]) for i in range(20)])
    with django_assert_max_num_queries(6):
        make_plan(answers=answers)


def test_updating_a_plan_takes_at_most_six_queries(django_assert_max_num_queries):
    plan = make_plan().plan
    answers = make_answers(partners=[partner(f"P{i}", [f"p{i}.example.com"]) for i in range(20)])
    with django_assert_max_num_queries(6):
        services.update_plan(plan, name="New", answers=answers, expected_revision=1)


def test_find_plan_by_share_token_finds_the_plan():
    saved = make_plan()
    assert services.find_plan_by_share_token(saved.share_token) == saved.plan


def test_find_plan_by_edit_token_finds_the_plan():
    saved = make_plan()
    assert services.find_plan_by_edit_token(saved.edit_token) == saved.plan


def test_tokens_do_not_open_the_other_kind_of_link():
    saved = make_plan()
    assert services.find_plan_by_edit_token(saved.share_token) is None
    assert services.find_plan_by_share_token(saved.edit_token) is None


@pytest.mark.parametrize("token", ["", "nope", "x" * 43, "../../etc/passwd"])
def test_unknown_tokens_find_nothing(token):
    make_plan()
    assert services.find_plan_by_share_token(token) is None
    assert services.find_plan_by_edit_token(token) is None


def test_share_token_for_recovers_the_share_token():
    saved = make_plan()
    assert services.share_token_for(saved.plan, edit_token=saved.edit_token) == saved.share_token


def test_share_token_for_refuses_the_share_token():
    saved = make_plan()
    with pytest.raises(services.WrongEditToken):
        services.share_token_for(saved.plan, edit_token=saved.share_token)


def test_update_plan_stores_a_new_revision_and_copies_it_onto_the_plan():
    saved = make_plan()
    answers = make_answers(CLOUD_ONLY)
    revision = services.update_plan(
        saved.plan, name="Cloud only", answers=answers, expected_revision=1, note="Moved"
    )
    plan = Plan.objects.get()
    assert revision.number == plan.revision == 2
    assert revision.note == "Moved"
    assert plan.name == revision.name == "Cloud only"
    assert plan.answers == revision.answers == answers.to_dict()
    assert plan.recommendation == recommend(answers).to_dict()
    assert [entry["number"] for entry in plan.history] == [1, 2]


def test_update_plan_keeps_the_old_revision():
    saved = make_plan()
    old_answers = saved.plan.answers
    services.update_plan(
        saved.plan, name="New", answers=make_answers(CLOUD_ONLY), expected_revision=1
    )
    assert PlanRevision.objects.get(number=1).answers == old_answers


def test_update_plan_refuses_a_stale_revision_and_writes_nothing():
    saved = make_plan()
    services.update_plan(saved.plan, name="First", answers=make_answers(), expected_revision=1)
    stale = Plan.objects.get()
    stale.revision = 1  # what a second editor loaded before the first one saved
    stale.history = stale.history[:1]
    with pytest.raises(services.StaleRevision) as raised:
        services.update_plan(stale, name="Second", answers=make_answers(), expected_revision=1)
    assert raised.value.current.number == 2
    assert raised.value.current.name == "First"
    plan = Plan.objects.get()
    assert (plan.revision, plan.name) == (2, "First")
    assert PlanRevision.objects.count() == 2


def test_update_plan_refuses_an_expected_revision_from_a_fresh_plan_object():
    saved = make_plan()
    services.update_plan(saved.plan, name="First", answers=make_answers(), expected_revision=1)
    fresh = Plan.objects.get()
    with pytest.raises(services.StaleRevision):
        services.update_plan(fresh, name="Second", answers=make_answers(), expected_revision=1)
    assert Plan.objects.get().name == "First"


def test_update_plan_with_an_outdated_plan_object_keeps_the_whole_history():
    saved = make_plan()
    services.update_plan(saved.plan, name="Two", answers=make_answers(), expected_revision=1)
    outdated = Plan.objects.get()
    outdated.revision, outdated.history = 1, outdated.history[:1]
    services.update_plan(outdated, name="Three", answers=make_answers(), expected_revision=2)
    assert [entry["number"] for entry in Plan.objects.get().history] == [1, 2, 3]


def test_rotating_the_share_link_retires_the_old_one_and_keeps_the_edit_link():
    saved = make_plan()
    new_share = services.rotate_share_token(saved.plan, edit_token=saved.edit_token)
    assert services.find_plan_by_share_token(saved.share_token) is None
    assert services.find_plan_by_share_token(new_share) == saved.plan
    plan = services.find_plan_by_edit_token(saved.edit_token)
    assert services.share_token_for(plan, edit_token=saved.edit_token) == new_share


def test_rotating_the_edit_link_retires_the_old_one_and_keeps_the_share_link():
    saved = make_plan()
    new_edit = services.rotate_edit_token(saved.plan, edit_token=saved.edit_token)
    assert services.find_plan_by_edit_token(saved.edit_token) is None
    plan = services.find_plan_by_edit_token(new_edit)
    assert plan == saved.plan
    assert services.find_plan_by_share_token(saved.share_token) == saved.plan
    assert services.share_token_for(plan, edit_token=new_edit) == saved.share_token


def test_rotating_with_a_retired_edit_token_is_refused():
    saved = make_plan()
    stale_copy = Plan.objects.get()
    services.rotate_edit_token(saved.plan, edit_token=saved.edit_token)
    with pytest.raises(services.WrongEditToken):
        services.rotate_share_token(stale_copy, edit_token=saved.edit_token)
    assert services.find_plan_by_share_token(saved.share_token) == saved.plan


def test_expired_share_link_finds_nothing_but_edit_link_still_works():
    saved = make_plan()
    services.set_share_expiry(saved.plan, expires_on=timezone.now().date() - dt.timedelta(days=1))
    assert services.find_plan_by_share_token(saved.share_token) is None
    assert services.find_plan_by_edit_token(saved.edit_token) == saved.plan


def test_share_link_works_through_its_expiry_day():
    saved = make_plan()
    services.set_share_expiry(saved.plan, expires_on=timezone.now().date())
    assert services.find_plan_by_share_token(saved.share_token) == saved.plan


def test_share_expiry_is_the_end_of_the_day_in_utc():
    assert services.share_expiry_from_date(dt.date(2026, 3, 12)) == dt.datetime(
        2026, 3, 13, tzinfo=dt.UTC
    )


def test_clearing_the_expiry_reopens_the_share_link():
    saved = make_plan()
    services.set_share_expiry(saved.plan, expires_on=dt.date(2020, 1, 1))
    services.set_share_expiry(saved.plan, expires_on=None)
    assert services.find_plan_by_share_token(saved.share_token) == saved.plan


def test_find_revision_by_share_token_takes_one_query(django_assert_num_queries):
    saved = make_plan()
    with django_assert_num_queries(1):
        revision = services.find_revision_by_share_token(saved.share_token, 1)
        assert revision.plan.name == saved.plan.name


def test_find_revision_by_share_token_refuses_an_expired_link():
    saved = make_plan()
    services.set_share_expiry(saved.plan, expires_on=dt.date(2020, 1, 1))
    assert services.find_revision_by_share_token(saved.share_token, 1) is None


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="needs concurrent writers with row locks (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_lose_no_update():
    plan_id = make_plan().plan.pk
    accepted, refused = [], []
    start = threading.Barrier(8)

    def editor(number):
        try:
            plan = Plan.objects.get(pk=plan_id)
            start.wait()
            for attempt in range(3):
                try:
                    services.update_plan(
                        plan,
                        name=f"Editor {number} try {attempt}",
                        answers=make_answers(),
                        expected_revision=plan.revision,
                    )
                    accepted.append(number)
                except services.StaleRevision:
                    refused.append(number)
                    plan = Plan.objects.get(pk=plan_id)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    plan = Plan.objects.get(pk=plan_id)
    assert refused, "the editors never collided; the test proves nothing"
    assert plan.revision == 1 + len(accepted)
    assert list(plan.revisions.values_list("number", flat=True)) == list(
        range(1, plan.revision + 1)
    )
    assert [entry["number"] for entry in plan.history] == list(range(1, plan.revision + 1))


@pytest.mark.parametrize("by", ["share", "edit"])
def test_link_look_up_is_one_query(by, django_assert_num_queries):
    saved = make_plan(answers=make_answers(partners=[partner()]))
    stored = Plan.objects.get(pk=saved.plan.pk)
    with django_assert_num_queries(1):
        if by == "share":
            plan = services.find_plan_by_share_token(saved.share_token)
        else:
            plan = services.find_plan_by_edit_token(saved.edit_token)
    assert plan.pk == stored.pk
    assert (plan.name, plan.revision, plan.updated_at) == (
        stored.name,
        stored.revision,
        stored.updated_at,
    )
    assert (plan.answers, plan.recommendation, plan.history) == (
        stored.answers,
        stored.recommendation,
        stored.history,
    )


def test_link_look_up_of_an_unknown_token_is_none(django_assert_num_queries):
    make_plan()
    with django_assert_num_queries(1):
        assert services.find_plan_by_share_token(links.new_token()) is None
    with django_assert_num_queries(0):
        assert services.find_plan_by_edit_token("not a token") is None
