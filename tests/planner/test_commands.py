import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from planner.models import Plan, PlanRevision
from tests.factories import make_plan

pytestmark = pytest.mark.django_db


def age(saved, days):
    Plan.objects.filter(pk=saved.plan.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=days)
    )


def test_prune_plans_deletes_only_plans_unchanged_for_longer_than_asked():
    old, recent = make_plan(name="old"), make_plan(name="recent")
    age(old, 400)
    age(recent, 100)
    out = StringIO()
    call_command("prune_plans", "--older-than", "365", stdout=out)
    assert list(Plan.objects.values_list("name", flat=True)) == ["recent"]
    assert not PlanRevision.objects.filter(plan_id=old.plan.pk).exists()
    assert "Deleted 1 plan not changed for 365 days." in out.getvalue()


def test_prune_plans_dry_run_deletes_nothing():
    age(make_plan(), 400)
    out = StringIO()
    call_command("prune_plans", "--older-than", "365", "--dry-run", stdout=out)
    assert Plan.objects.count() == 1
    assert "Would delete 1 plan" in out.getvalue()


def test_prune_plans_refuses_zero_days():
    with pytest.raises(CommandError, match="1 or more"):
        call_command("prune_plans", "--older-than", "0")
