"""A larger synthetic registry for the demo and the benchmarks: gaps, overlaps and linkage at work.

``load_synthetic(events=N)`` writes, beside the brief's data and clearly marked as synthetic
(keys ``syn-…``, one cited Source "Synthetic demonstration data"):

- providers (centers, NSSCs, universities) in East, South-East and South Asia, each with a
  name label, and courses with topics and target groups;
- needs assessments per country × target group × topic, with a figure per year (2012–2016);
- N training events of those courses with participant-country breakdowns (some with part or all
  of the participants' countries unknown);
- double reports of ~8 % of events by another institution (``reported_by`` set): half already
  merged by a steward (``same_as`` set), half left for record linkage to find;
- aggregate claims by some providers for 2013–2014 that overlap the events they logged;
- overlapping offerings: a second provider in the same region running a course on the same topic
  for the same target group within a month of another's.

It writes through ``bulk_create`` (fast) but only values the models' constraints accept; the
first records of each type are also put through ``full_clean``. A rerun replaces the earlier
synthetic set. It bumps the analytics data version. It is demo data, not a write path for
real records (those go through ``contributions.services``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from nscap.activities.models import (
    AggregateClaim,
    Course,
    EventParticipantCountry,
    TrainingEvent,
)
from nscap.analytics.cache import bump_data_version
from nscap.analytics.regions import EAST_ASIA, SOUTH_ASIA, SOUTH_EAST_ASIA
from nscap.institutions.models import Institution, Label
from nscap.institutions.normalize import normalize_label
from nscap.needs.models import NeedsAssessment
from nscap.quantities.models import Quantity
from nscap.sources.models import Citation, Source
from nscap.vocabularies.models import TargetGroup, Topic

PREFIX = "syn-"
YEARS = range(2012, 2017)
REGIONS = {
    "East Asia": sorted(EAST_ASIA - {"HK", "MO", "KP"}),
    "Southeast Asia": sorted(SOUTH_EAST_ASIA),
    "South Asia": sorted(SOUTH_ASIA - {"AF"}),
}
KINDS = ("center_of_excellence", "nssc", "university")
COURSE_WORDS = {
    "physical-protection": "Physical Protection of Nuclear Material and Facilities",
    "insider-threat": "Preventive and Protective Measures against Insider Threats",
    "security-culture": "Nuclear Security Culture",
    "computer-security": "Computer Security for Nuclear Facilities",
    "radiation-detection": "Radiation Detection Equipment for Front-Line Officers",
    "nuclear-forensics": "Introduction to Nuclear Forensics",
    "transport-security": "Security of Radioactive Material in Transport",
    "radioactive-source-security": "Security of Radioactive Sources",
}
GROUPS = ("regulators", "operators", "front-line-officers", "customs", "police", "guards")
BATCH = 5_000


@dataclass
class SyntheticReport:
    """What was written, by record type."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


def delete_synthetic() -> None:
    """Remove an earlier synthetic set (children first; duplicates before the reports kept)."""
    events = TrainingEvent.objects.filter(key__startswith=PREFIX)
    claims = AggregateClaim.objects.filter(key__startswith=PREFIX)
    needs = NeedsAssessment.objects.filter(key__startswith=PREFIX)
    quantities = Quantity.objects.filter(key__startswith=PREFIX)
    for model, queryset in (
        (TrainingEvent, events),
        (AggregateClaim, claims),
        (NeedsAssessment, needs),
        (Quantity, quantities),
    ):
        Citation.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=queryset.values("pk"),
        ).delete()
    quantities.delete()
    claims.delete()
    needs.delete()
    events.filter(same_as__isnull=False).delete()
    events.delete()
    Course.objects.filter(key__startswith=PREFIX).delete()
    Institution.objects.filter(key__startswith=PREFIX).delete()
    Source.objects.filter(key=f"{PREFIX}source").delete()


def _bulk(model: type, objects: Iterable, report: SyntheticReport) -> list:
    objects = list(objects)
    for obj in objects[:3]:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    created = model.objects.bulk_create(objects, batch_size=BATCH)
    report.add(model.__name__, len(created))
    return created


class Generator:
    """Builds the synthetic set with one seeded random source (same seed, same data)."""

    def __init__(self, events: int, seed: int):
        self.n_events = events
        self.random = random.Random(seed)  # noqa: S311 - demo data, not secrets
        self.report = SyntheticReport()
        self.topics = {t.key: t for t in Topic.objects.filter(key__in=COURSE_WORDS)}
        self.groups = {g.key: g for g in TargetGroup.objects.filter(key__in=GROUPS)}
        if not self.topics or not self.groups:
            raise RuntimeError("load the vocabularies first (nscap load-brief)")

    def institutions(self) -> list[Institution]:
        count = max(24, self.n_events // 150)
        rows = []
        for n in range(count):
            region = list(REGIONS)[n % len(REGIONS)]
            country = REGIONS[region][n // len(REGIONS) % len(REGIONS[region])]
            kind = KINDS[n % len(KINDS)]
            rows.append(
                Institution(
                    key=f"{PREFIX}inst-{n}",
                    name=f"Synthetic {kind.replace('_', ' ')} {n} ({country})",
                    kind=kind,
                    country=country,
                    note="Synthetic demonstration record.",
                )
            )
        created = _bulk(Institution, rows, self.report)
        _bulk(
            Label,
            (
                Label(
                    institution=i,
                    text=i.name,
                    language="en",
                    kind="name",
                    preferred=True,
                    normalized=normalize_label(i.name),
                )
                for i in created
            ),
            self.report,
        )
        return created

    def courses(self, providers: list[Institution]) -> list[Course]:
        rows, links = [], []
        for provider in providers:
            for n, topic in enumerate(self.random.sample(sorted(self.topics), 3)):
                group = self.random.choice(sorted(self.groups))
                rows.append(
                    Course(
                        key=f"{PREFIX}course-{provider.pk}-{n}",
                        provider=provider,
                        title=COURSE_WORDS[topic],
                        note="Synthetic demonstration record.",
                    )
                )
                links.append((topic, group))
        created = _bulk(Course, rows, self.report)
        Course.topics.through.objects.bulk_create(
            Course.topics.through(course_id=c.pk, topic_id=self.topics[t].pk)
            for c, (t, _) in zip(created, links, strict=True)
        )
        Course.target_groups.through.objects.bulk_create(
            Course.target_groups.through(course_id=c.pk, targetgroup_id=self.groups[g].pk)
            for c, (_, g) in zip(created, links, strict=True)
        )
        for course, (topic, group) in zip(created, links, strict=True):
            course.topic_key, course.group_key = topic, group
        return created

    def needs(self) -> list[Quantity]:
        assessments, figures = [], []
        for region, countries in REGIONS.items():
            for country in countries:
                for group in self.random.sample(sorted(self.groups), 3):
                    for topic in self.random.sample(sorted(self.topics), 3):
                        assessments.append(
                            NeedsAssessment(
                                key=f"{PREFIX}needs-{country}-{group}-{topic}",
                                title=f"Synthetic needs: {country}, {group}, {topic}",
                                country=country,
                                target_group=self.groups[group],
                                topic=self.topics[topic],
                                method=f"Synthetic estimate for {region}.",
                                note="Synthetic demonstration record.",
                            )
                        )
        created = _bulk(NeedsAssessment, assessments, self.report)
        scale = max(1.0, self.n_events / 2_000)
        for assessment in created:
            base = self.random.randint(10, 60) * scale
            for year in YEARS:
                figures.append(
                    Quantity(
                        key=f"{PREFIX}need-{assessment.pk}-{year}",
                        measure="people_needing_training",
                        description=f"People needing training in {year}",
                        value=round(base * self.random.uniform(0.8, 1.2)),
                        qualifier=self.random.choice(("exact", "approximately", "more_than")),
                        unit="people",
                        status="estimated",
                        needs_assessment=assessment,
                        period_start=dt.date(year, 1, 1),
                        period_start_precision="year",
                        period_end=dt.date(year, 1, 1),
                        period_end_precision="year",
                    )
                )
        return _bulk(Quantity, figures, self.report)

    def _countries(self, host: Institution, participants: int) -> list[tuple[str, int]]:
        """A breakdown over the host's region; sometimes part or all of it unknown."""
        roll = self.random.random()
        if roll < 0.05:
            return []
        region = next(r for r, cs in REGIONS.items() if host.country in cs)
        countries = list(dict.fromkeys([host.country, *self.random.sample(REGIONS[region], 2)]))
        known = participants if roll > 0.2 else participants * 2 // 3
        split, left = [], known
        for position, country in enumerate(countries):
            last = position == len(countries) - 1
            count = left if last else self.random.randint(0, left)
            split.append((country, count))
            left -= count
        return [(c, n) for c, n in split if n > 0]

    def events(self, courses: list[Course], institutions: list[Institution]) -> None:
        by_region: dict[str, list[Course]] = {}
        for course in courses:
            region = next(r for r, cs in REGIONS.items() if course.provider.country in cs)
            by_region.setdefault(region, []).append(course)
        rows, breakdowns, duplicates, parallels = [], [], [], []
        for n in range(self.n_events):
            course = self.random.choice(courses)
            start = dt.date(2012, 1, 1) + dt.timedelta(days=self.random.randrange(5 * 365))
            participants = self.random.randint(8, 60)
            rows.append(self._event(f"{PREFIX}ev-{n}", course, start, participants))
            breakdowns.append(self._countries(course.provider, participants))
            if self.random.random() < 0.08:
                duplicates.append(n)
            if self.random.random() < 0.05:
                region = next(r for r, cs in REGIONS.items() if course.provider.country in cs)
                peers = [
                    c
                    for c in by_region[region]
                    if c.provider_id != course.provider_id and c.topic_key == course.topic_key
                ]
                if peers:
                    parallels.append((n, self.random.choice(peers)))
        for n, peer in parallels:
            start = rows[n].start + dt.timedelta(days=self.random.randint(-20, 20))
            participants = self.random.randint(8, 60)
            rows.append(self._event(f"{PREFIX}ev-{n}-parallel", peer, start, participants))
            breakdowns.append(self._countries(peer.provider, participants))
        created = _bulk(TrainingEvent, rows, self.report)
        self._write_breakdowns(created, breakdowns)
        self._double_reports(created, duplicates, breakdowns, institutions)

    def _event(self, key: str, course: Course, start: dt.date, participants: int) -> TrainingEvent:
        return TrainingEvent(
            key=key,
            course=course,
            host=course.provider,
            title=course.title,
            start=start,
            end=start + dt.timedelta(days=self.random.choice((2, 4, 5))),
            country=course.provider.country,
            participants=participants,
            participants_qualifier="approximately" if self.random.random() < 0.1 else "exact",
            note="Synthetic demonstration record.",
        )

    def _write_breakdowns(self, events: list[TrainingEvent], breakdowns: list) -> None:
        _bulk(
            EventParticipantCountry,
            (
                EventParticipantCountry(event=event, country=country, count=count)
                for event, split in zip(events, breakdowns, strict=True)
                for country, count in split
            ),
            self.report,
        )

    def _double_reports(self, events, duplicates, breakdowns, institutions) -> None:
        """A second report of the same event by someone else; half already merged."""
        rows, splits = [], []
        for position, n in enumerate(duplicates):
            original = events[n]
            reporter = self.random.choice(
                [i for i in institutions[:12] if i.pk != original.host_id] or institutions
            )
            shift = dt.timedelta(days=self.random.randint(-2, 2))
            rows.append(
                TrainingEvent(
                    key=f"{original.key}-report-2",
                    course=original.course,
                    host=original.host,
                    title=original.title.replace("Nuclear", "Nucl.").replace(" and ", " & "),
                    start=original.start + shift,
                    end=original.end + shift,
                    country=original.country,
                    participants=original.participants + self.random.randint(-2, 2),
                    participants_qualifier="approximately",
                    reported_by=reporter,
                    same_as=original if position % 2 == 0 else None,
                    note="Synthetic second report of the same event.",
                )
            )
            splits.append(breakdowns[n])
        created = _bulk(TrainingEvent, rows, self.report)
        self._write_breakdowns(created, splits)

    def claims(self, providers: list[Institution]) -> None:
        logged: dict[int, int] = {}
        for host_id, participants in TrainingEvent.objects.filter(
            host__in=providers,
            same_as__isnull=True,
            start__gte=dt.date(2013, 1, 1),
            start__lte=dt.date(2014, 12, 31),
        ).values_list("host_id", "participants"):
            logged[host_id] = logged.get(host_id, 0) + (participants or 0)
        claims, figures = [], []
        for provider in providers[::4]:
            people = round(logged.get(provider.pk, 0) * self.random.uniform(1.1, 1.6)) or 50
            claims.append(
                AggregateClaim(
                    key=f"{PREFIX}claim-{provider.pk}",
                    claimant=provider,
                    description=f"Over {people} people trained, 2013-2014",
                    period_start=dt.date(2013, 1, 1),
                    period_start_precision="year",
                    period_end=dt.date(2014, 1, 1),
                    period_end_precision="year",
                    note="Synthetic demonstration record.",
                )
            )
            figures.append((provider, people))
        created = _bulk(AggregateClaim, claims, self.report)
        _bulk(
            Quantity,
            (
                Quantity(
                    key=f"{PREFIX}claim-people-{claim.pk}",
                    measure="people_trained",
                    description="People trained, 2013-2014",
                    value=people,
                    qualifier="more_than",
                    unit="people",
                    institution=provider,
                    aggregate_claim=claim,
                    period_start=dt.date(2013, 1, 1),
                    period_start_precision="year",
                    period_end=dt.date(2014, 1, 1),
                    period_end_precision="year",
                )
                for claim, (provider, people) in zip(created, figures, strict=True)
            ),
            self.report,
        )

    def cite_everything(self) -> None:
        source = Source.objects.create(
            key=f"{PREFIX}source",
            title="Synthetic demonstration data (nscap demo --synthetic)",
            kind="other",
            note="Generated; not a real document. Every record citing it is made up.",
        )
        for model in (TrainingEvent, AggregateClaim, NeedsAssessment, Quantity):
            content_type = ContentType.objects.get_for_model(model)
            ids = model.objects.filter(key__startswith=PREFIX).values_list("pk", flat=True)
            _bulk(
                Citation,
                (
                    Citation(
                        source=source,
                        content_type=content_type,
                        object_id=pk,
                        locator="synthetic",
                    )
                    for pk in ids.iterator(BATCH)
                ),
                self.report,
            )


def load_synthetic(events: int = 5_000, seed: int = 2015) -> SyntheticReport:
    """Replace the synthetic set with a new one of ``events`` events (one transaction)."""
    if events < 1:
        raise ValueError("--events must be at least 1")
    with transaction.atomic():
        delete_synthetic()
        generator = Generator(events, seed)
        providers = generator.institutions()
        courses = generator.courses(providers)
        generator.needs()
        generator.events(courses, providers)
        generator.claims(providers)
        generator.cite_everything()
        bump_data_version()
        # Written with bulk_create, not changesets: the search index is rebuilt here.
        from nscap.search.services import rebuild_index

        rebuild_index()
    return generator.report
