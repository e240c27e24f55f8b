"""Load the brief's transcription (``brief/data/*.toml``) and the vocabularies into the registry.

``load_brief()`` is what ``nscap load-brief`` and ``nscap demo`` run. It validates everything
first (``reader.read_brief``), then writes in one transaction, so bad data leaves the database
as it was. It is idempotent: records are matched by ``key``, labels by (institution, text,
language, kind), citations by their natural unique key; a record whose fields already match is
not saved again, so a second load changes no ``updated_at`` or ``version``. A record that does
change gets ``version`` + 1. The loader never deletes: a row removed from the TOML stays in the
registry until a steward removes it.

There is no changeset/history service yet; when there is, this loader should write through it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from nscap.activities.models import AggregateClaim, Course
from nscap.analytics.cache import bump_data_version
from nscap.analytics.regions import canonical_region
from nscap.brief.reader import BriefData, BriefDataError, Located, read_brief
from nscap.collaboration.models import CollaborationClaim
from nscap.core.partial_dates import PartialDate
from nscap.institutions.models import CenterProfile, Institution, Label, Milestone
from nscap.needs.models import NeedsAssessment
from nscap.networks.models import Membership, Network
from nscap.quantities.models import Quantity
from nscap.sources.models import Citation, Source
from nscap.vocabularies.inferred import TARGET_GROUPS, TOPICS, judge
from nscap.vocabularies.models import TargetGroup, Topic

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class LoadReport:
    """What a load did: for each model (``app.Model``), how many rows were created, updated or
    left unchanged; and the facts of the brief that have no place in the model."""

    counts: dict[str, Counter] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)

    def add(self, model: type[models.Model], outcome: str) -> None:
        self.counts.setdefault(model._meta.label, Counter())[outcome] += 1

    def count(self, model: type[models.Model] | str, outcome: str) -> int:
        label = model if isinstance(model, str) else model._meta.label
        return self.counts.get(label, Counter())[outcome]

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.total(CREATED) or self.total(UPDATED))

    def rows(self) -> list[tuple[str, int, int, int]]:
        """(model, created, updated, unchanged) for each model, in load order."""
        return [(label, c[CREATED], c[UPDATED], c[UNCHANGED]) for label, c in self.counts.items()]


def _own_words(row: Any) -> str:
    """The source's own words for a row: the quote of its first citation of the whole record
    (its cell of the table; the later ones cite the table's caption and text)."""
    return next((cite.quote for cite in row.cite if not cite.field), "")


def _dates(**partial: PartialDate | None) -> dict[str, Any]:
    """``start=PartialDate`` -> ``{"start": date, "start_precision": precision}``."""
    out: dict[str, Any] = {}
    for name, value in partial.items():
        out[name] = value.date if value else None
        if value:
            out[f"{name}_precision"] = value.precision
    return out


def _full_clean(obj: models.Model, item: Located) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        problems = "; ".join(
            f"field {name!r}: {' '.join(str(m) for m in messages)}"
            for name, messages in exc.message_dict.items()
        )
        raise BriefDataError(f"{item.where()}: refused by the model: {problems}") from exc


def _save(obj: models.Model, item: Located) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise BriefDataError(f"{item.where()}: refused by the database: {exc}") from exc


class Writer:
    """Writes validated rows; keeps the objects it wrote by key for later references."""

    def __init__(self, data: BriefData, report: LoadReport) -> None:
        self.data = data
        self.report = report
        self.objects: dict[tuple[str, str], models.Model] = {}
        self.source: Source | None = None

    def ref(self, table: str, key: str | None) -> models.Model | None:
        return self.objects[(table, key)] if key else None

    def ref_id(self, table: str, key: str | None) -> int | None:
        obj = self.ref(table, key)
        return obj.pk if obj else None

    def upsert(
        self,
        model: type[models.Model],
        item: Located,
        values: dict[str, Any],
        many: dict[str, list[models.Model]] | None = None,
    ) -> models.Model:
        """Create or update the record ``item.key`` of ``model``; save only what differs."""
        row = item.row
        values = {"note": row.note, "sensitivity": row.sensitivity, **values}
        many = many or {}
        obj = model.objects.filter(key=row.key).first()
        if obj is None:
            obj = model(key=row.key, **values)
            outcome = CREATED
        else:
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            changed_many = [
                name
                for name, related in many.items()
                if {o.pk for o in getattr(obj, name).all()} != {o.pk for o in related}
            ]
            if not changed and not changed_many:
                self.report.add(model, UNCHANGED)
                self.objects[(item.table, row.key)] = obj
                return obj
            for name in changed:
                setattr(obj, name, values[name])
            obj.version += 1
            outcome = UPDATED
        _full_clean(obj, item)
        _save(obj, item)
        for name, related in many.items():
            getattr(obj, name).set(related)
        self.report.add(model, outcome)
        self.objects[(item.table, row.key)] = obj
        return obj

    def cite(self, obj: models.Model, item: Located) -> None:
        """Write the row's citations of the brief, matched by their natural unique key."""
        content_type = ContentType.objects.get_for_model(type(obj))
        for cite in item.row.cite:
            natural = {
                "source": self.source,
                "content_type": content_type,
                "object_id": obj.pk,
                "field": cite.field,
                "locator": cite.locator,
            }
            values = {"footnote": cite.footnote, "quote": cite.quote}
            citation = Citation.objects.filter(**natural).first()
            if citation is None:
                citation = Citation(**natural, **values)
                outcome = CREATED
            elif all(getattr(citation, k) == v for k, v in values.items()):
                self.report.add(Citation, UNCHANGED)
                continue
            else:
                for name, value in values.items():
                    setattr(citation, name, value)
                outcome = UPDATED
            _full_clean(citation, item)
            _save(citation, item)
            self.report.add(Citation, outcome)

    # --- tables, in dependency order -------------------------------------------------------

    def write_source(self) -> None:
        item = self.data.rows("source")[0]
        row = item.row
        self.source = self.upsert(
            Source,
            item,
            {
                "title": row.title,
                "kind": row.kind,
                "authors": row.authors,
                "publisher": row.publisher,
                "url": row.url,
                "language": row.language,
                **_dates(published=row.published),
            },
        )

    def write_vocabularies(self) -> None:
        for item in _parents_first(self.data.rows("topic")):
            row = item.row
            self.upsert(
                Topic,
                item,
                {
                    "name": row.name,
                    "name_zh": row.name_zh,
                    "description": row.description,
                    "nss_references": list(row.nss_references),
                    "aliases": list(row.aliases),
                    "parent_id": self.ref_id("topic", row.parent),
                },
            )
        for item in self.data.rows("target_group"):
            row = item.row
            self.upsert(
                TargetGroup,
                item,
                {
                    "name": row.name,
                    "name_zh": row.name_zh,
                    "description": row.description,
                    "aliases": list(row.aliases),
                },
            )

    def write_institutions(self) -> None:
        for item in _parents_first(self.data.rows("institution")):
            row = item.row
            institution = self.upsert(
                Institution,
                item,
                {
                    "name": row.name,
                    "kind": row.kind,
                    "country": row.country,
                    "parent_id": self.ref_id("institution", row.parent),
                    "parent_role": row.parent_role,
                    "parent_relation": row.parent_relation,
                    "website": row.website,
                    "description": row.description,
                },
            )
            self.cite(institution, item)
            for label in row.labels:
                self.write_label(institution, label, item)

    def write_label(self, institution: Institution, label: Any, item: Located) -> None:
        natural = {
            "institution": institution,
            "text": label.text,
            "language": label.language,
            "kind": label.kind,
        }
        values = {"script": label.script, "preferred": label.preferred}
        existing = Label.objects.filter(**natural).first()
        if existing is not None and all(getattr(existing, k) == v for k, v in values.items()):
            self.report.add(Label, UNCHANGED)
            return
        obj = existing or Label(**natural)
        for name, value in values.items():
            setattr(obj, name, value)
        try:
            obj.full_clean(exclude=["normalized"])
        except ValidationError as exc:
            raise BriefDataError(f"{item.where()}: label {label.text!r}: {exc}") from exc
        _save(obj, item)  # Label.save() sets ``normalized``
        self.report.add(Label, UPDATED if existing else CREATED)

    def write_profiles(self) -> None:
        for item in self.data.rows("profile"):
            row = item.row
            topics = [self.ref("topic", k) for k in row.topics]
            profile = self.upsert(
                CenterProfile,
                item,
                {
                    "institution_id": self.ref_id("institution", row.institution),
                    "geographic_focus": list(row.geographic_focus),
                    "geographic_focus_planned": list(row.geographic_focus_planned),
                    "geographic_focus_text": row.geographic_focus_text,
                    "topic_focus_text": row.topic_focus_text,
                    "activity_focus": list(row.activity_focus),
                    "activity_focus_text": row.activity_focus_text,
                    "inferred_labels": judge(TOPICS, topics, row.topic_focus_text),
                },
                many={"topics": topics},
            )
            self.cite(profile, item)

    def write_milestones(self) -> None:
        for item in self.data.rows("milestone"):
            row = item.row
            milestone = self.upsert(
                Milestone,
                item,
                {
                    "institution_id": self.ref_id("institution", row.institution),
                    "kind": row.kind,
                    "status": row.status,
                    "date_text": row.date_text,
                    "description": row.description,
                    "counterpart_id": self.ref_id("institution", row.counterpart),
                    "counterpart_text": row.counterpart_text,
                    **_dates(date=row.date),
                },
            )
            self.cite(milestone, item)

    def write_networks(self) -> None:
        for item in _parents_first(self.data.rows("network")):
            row = item.row
            network = self.upsert(
                Network,
                item,
                {
                    "name": row.name,
                    "acronym": row.acronym,
                    "description": row.description,
                    "convener_id": self.ref_id("institution", row.convener),
                    "parent_id": self.ref_id("network", row.parent),
                    "meeting_frequency": row.meeting_frequency,
                    **_dates(established=row.established),
                },
            )
            self.cite(network, item)
        for item in self.data.rows("membership"):
            row = item.row
            membership = self.upsert(
                Membership,
                item,
                {
                    "network_id": self.ref_id("network", row.network),
                    "institution_id": self.ref_id("institution", row.institution),
                    "role": row.role,
                    **_dates(joined=row.joined),
                },
            )
            self.cite(membership, item)

    def write_courses(self) -> None:
        for item in self.data.rows("course"):
            row = item.row
            topics = [self.ref("topic", k) for k in row.topics]
            groups = [self.ref("target_group", k) for k in row.target_groups]
            cell = _own_words(row)
            # Target groups are stated for a whole row of the table: its whole cell counts.
            group_texts = (row.target_groups_text, row.source_text or cell)
            group_words = " … ".join(dict.fromkeys(t for t in group_texts if t))
            inferred = judge(TOPICS, topics, cell) + judge(TARGET_GROUPS, groups, group_words)
            course = self.upsert(
                Course,
                item,
                {
                    "provider_id": self.ref_id("institution", row.provider),
                    "title": row.title,
                    "description": row.description,
                    "kind": row.kind,
                    "level": row.level,
                    "target_groups_text": row.target_groups_text,
                    "language": row.language,
                    "iaea_endorsed": row.iaea_endorsed,
                    "guidance": row.guidance,
                    "source_text": row.source_text,
                    "inferred_labels": inferred,
                    **_dates(first_offered=row.first_offered),
                },
                many={"topics": topics, "target_groups": groups},
            )
            self.cite(course, item)

    def write_figures(self) -> None:
        for item in self.data.rows("aggregate_claim"):
            row = item.row
            claim = self.upsert(
                AggregateClaim,
                item,
                {
                    "claimant_id": self.ref_id("institution", row.claimant),
                    "description": row.description,
                    "quote": row.quote,
                    **_dates(period_start=row.period_start, period_end=row.period_end),
                },
            )
            self.cite(claim, item)
        for item in self.data.rows("needs_assessment"):
            row = item.row
            assessment = self.upsert(
                NeedsAssessment,
                item,
                {
                    "title": row.title,
                    "assessor_id": self.ref_id("institution", row.assessor),
                    "country": row.country,
                    "region": canonical_region(row.region),
                    "target_group_id": self.ref_id("target_group", row.target_group),
                    "topic_id": self.ref_id("topic", row.topic),
                    "method": row.method,
                    **_dates(published=row.published),
                },
            )
            self.cite(assessment, item)
        for item in self.data.rows("quantity"):
            row = item.row
            quantity = self.upsert(
                Quantity,
                item,
                {
                    "measure": row.measure,
                    "description": row.description,
                    "value": row.value,
                    "qualifier": row.qualifier,
                    "unit": row.unit,
                    "status": row.status,
                    "quote": row.quote,
                    "institution_id": self.ref_id("institution", row.institution),
                    "network_id": self.ref_id("network", row.network),
                    "aggregate_claim_id": self.ref_id("aggregate_claim", row.aggregate_claim),
                    "needs_assessment_id": self.ref_id("needs_assessment", row.needs_assessment),
                    "country": row.country,
                    "region": canonical_region(row.region),
                    **_dates(
                        period_start=row.period_start,
                        period_end=row.period_end,
                        as_of=row.as_of,
                    ),
                },
            )
            self.cite(quantity, item)

    def write_claims(self) -> None:
        written: list[tuple[Located, CollaborationClaim, bool]] = []
        for item in self.data.rows("claim"):
            row = item.row
            # Confirmation is settled once every claim is written (settle_confirmations); keep
            # the stored value here so that a re-load compares like with like.
            stored = (
                CollaborationClaim.objects.filter(key=row.key)
                .values_list("confirmation", flat=True)
                .first()
            )
            unchanged_before = self.report.count(CollaborationClaim, UNCHANGED)
            claim = self.upsert(
                CollaborationClaim,
                item,
                {
                    "claimant_id": self.ref_id("institution", row.claimant),
                    "partner_id": self.ref_id("institution", row.partner),
                    "partner_country": row.partner_country,
                    "partner_text": row.partner_text,
                    "type": row.type,
                    "status": row.status,
                    "confirmation": stored or row.confirmation,
                    "network_id": self.ref_id("network", row.network),
                    "description": row.description,
                    **_dates(start=row.start, end=row.end),
                },
            )
            self.cite(claim, item)
            unchanged = self.report.count(CollaborationClaim, UNCHANGED) > unchanged_before
            written.append((item, claim, unchanged))
        self.settle_confirmations(written)

    def settle_confirmations(self, written: list[tuple[Located, CollaborationClaim, bool]]) -> None:
        """Table 3 claims whose partner itself claims the same kind back about the claimant
        itself are ``confirmed`` (both say so in the brief); the others keep their row's value
        (``claimed``). A claim back of another kind confirms only the collaboration, not this
        claim: ISCN's personnel exchange with INSA, which names ISCN only in the Asian network,
        stays claimed (named back, other kind; confirmed depth 1, not 3: issue 15). A row of the
        partner's parent or child, or one naming only a country, confirms nothing (issue 13)."""
        from nscap.collaboration.choices import Confirmation
        from nscap.collaboration.selectors import read_claims

        claims = CollaborationClaim.objects.filter(pk__in=[claim.pk for _, claim, _ in written])
        both_say = {reading.claim.pk for reading in read_claims(claims) if reading.same_type_back}
        counter = self.report.counts.setdefault(CollaborationClaim._meta.label, Counter())
        for item, claim, unchanged in written:
            wanted = Confirmation.CONFIRMED if claim.pk in both_say else item.row.confirmation
            if claim.confirmation == wanted:
                continue
            claim.confirmation = wanted
            if unchanged:  # written as unchanged a moment ago: it is an update after all
                claim.version += 1
                counter[UNCHANGED] -= 1
                counter[UPDATED] += 1
            CollaborationClaim.objects.filter(pk=claim.pk).update(
                confirmation=wanted, version=claim.version
            )


def _parents_first(items: list[Located]) -> list[Located]:
    """Order rows so that each row's ``parent`` comes before it (cycles are refused earlier)."""
    by_key = {item.key: item for item in items}
    ordered: list[Located] = []
    done: set[str] = set()

    def visit(item: Located) -> None:
        if item.key in done:
            return
        parent = by_key.get(item.row.parent) if item.row.parent else None
        if parent is not None:
            visit(parent)
        done.add(item.key)
        ordered.append(item)

    for item in items:
        visit(item)
    return ordered


def load_brief(data_dir: Path | None = None, vocabulary_dir: Path | None = None) -> LoadReport:
    """Validate the brief's transcription and the vocabularies, then write them all in one
    transaction; return the counts. Raises ``BriefDataError`` (nothing written) on bad data."""
    data = read_brief(data_dir, vocabulary_dir)
    report = LoadReport(
        unplaced=[item.row.fact for item in data.rows("unplaced")],
    )
    writer = Writer(data, report)
    with transaction.atomic():
        writer.write_source()
        writer.write_vocabularies()
        writer.write_institutions()
        writer.write_profiles()
        writer.write_milestones()
        writer.write_networks()
        writer.write_courses()
        writer.write_figures()
        writer.write_claims()
        if report.changed:
            bump_data_version()
            # The loader writes without changesets, so the search index hears of it here.
            from nscap.search.services import rebuild_index

            rebuild_index()
    return report
