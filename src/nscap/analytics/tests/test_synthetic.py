"""The synthetic demo set: valid records, double reports, claims, and gaps that show something."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from nscap.activities.models import AggregateClaim, TrainingEvent
from nscap.analytics.cache import data_version
from nscap.analytics.gaps import gap_analysis
from nscap.analytics.synthetic import load_synthetic

pytestmark = pytest.mark.django_db


def test_synthetic_set_has_double_reports_claims_and_gaps():
    call_command("load_brief", verbosity=0)
    version = data_version()
    report = load_synthetic(events=300, seed=7)
    assert data_version() == version + 1
    synthetic = TrainingEvent.objects.filter(key__startswith="syn-")
    second = synthetic.filter(key__endswith="-report-2")
    assert second.exists() and not second.filter(reported_by__isnull=True).exists()
    merged = second.filter(same_as__isnull=False).count()
    assert 0 < merged < second.count()  # half merged, half left for linkage
    assert synthetic.filter(key__endswith="-parallel").exists()
    assert AggregateClaim.objects.filter(key__startswith="syn-").exists()
    assert report.counts["TrainingEvent"] == synthetic.count()
    analysis = gap_analysis(AnonymousUser())
    assert analysis["totals"]["folded_reports"] == merged
    assert any(r["supply"]["value"] for r in analysis["rows"] if r["scope"] == "country")
    assert any(c["logged"] for c in analysis["claims"] if c["claim"].startswith("syn-"))


def test_a_rerun_replaces_the_synthetic_set():
    call_command("load_brief", verbosity=0)
    load_synthetic(events=100, seed=1)
    load_synthetic(events=50, seed=2)
    originals = TrainingEvent.objects.filter(key__startswith="syn-ev-").exclude(
        key__contains="-report-"
    )
    assert originals.exclude(key__contains="-parallel").count() == 50
    assert TrainingEvent.objects.filter(key__startswith="syn-").count() < 100
    # The brief's own records are untouched.
    assert TrainingEvent.objects.exclude(key__startswith="syn-").count() == 0


def test_demo_command_with_synthetic_data(tmp_path):
    call_command("demo", "--synthetic", "--events", "40", "--no-serve", "--no-users", verbosity=0)
    assert TrainingEvent.objects.filter(key__startswith="syn-").count() >= 40
    with pytest.raises(Exception, match="--events"):
        call_command("demo", "--synthetic", "--events", "0", "--no-serve", "--no-users")


@pytest.mark.django_db
def test_demo_with_synthetic_data_links_reports_for_the_steward():
    from io import StringIO

    from nscap.linkage.models import LinkRun, MergeSuggestion

    out = StringIO()
    call_command("demo", "--synthetic", "--events", "300", "--no-serve", stdout=out)
    run = LinkRun.objects.get()
    assert run.reports > 300  # the synthetic set reports some events twice
    assert MergeSuggestion.objects.count() == run.new_suggestions > 0
    assert f"{run.new_suggestions} merge suggestions waiting at /linkage/" in out.getvalue()
