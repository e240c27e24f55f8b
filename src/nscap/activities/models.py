"""Courses (repeatable offerings, Table 2), their runs as training events, and aggregate claims."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nscap.activities.choices import CourseKind, CourseLevel, DeliveryMode, PartnerRole
from nscap.core.choices import Qualifier
from nscap.core.countries import country_constraint, country_field
from nscap.core.models import Record, held_as_written, named_or_held, reported_by_field
from nscap.core.partial_dates import precision_constraint, precision_field
from nscap.core.visibility import OwnedRowManager


class Course(Record):
    """A repeatable offering of a provider: title, topics, level, kind, target groups.

    ``target_groups_text`` and ``source_text`` keep the source's own words (Table 2 cells).
    """

    visibility_owner_path = "provider"
    # A provider no institution answers to yet (issue 14) is held as written; the course then
    # belongs to whoever reported it, as an event with an unreconciled host does.
    visibility_owner_fallback = "reported_by"

    provider = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    provider_text = held_as_written(_("provider (as written, unreconciled)"))
    reported_by = reported_by_field("reported_courses")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=CourseKind.choices, default=CourseKind.TRAINING
    )
    level = models.CharField(
        _("level"), max_length=15, choices=CourseLevel.choices, default=CourseLevel.UNSPECIFIED
    )
    topics = models.ManyToManyField("vocabularies.Topic", blank=True, related_name="courses")
    target_groups = models.ManyToManyField(
        "vocabularies.TargetGroup", blank=True, related_name="courses"
    )
    target_groups_text = models.TextField(_("target groups (source text)"), blank=True)
    language = models.CharField(_("language"), max_length=35, blank=True)
    iaea_endorsed = models.BooleanField(_("IAEA endorsed"), null=True, blank=True)
    guidance = models.CharField(_("guidance followed"), max_length=300, blank=True)
    first_offered = models.DateField(_("first offered"), null=True, blank=True)
    first_offered_precision = precision_field()
    source_text = models.TextField(_("source text"), blank=True)
    # Topics and target groups the source does not name, read in by nscap, with the source's
    # words as evidence (``vocabularies.inferred``): shown as inferred, never as stated.
    inferred_labels = models.JSONField(_("inferred labels"), default=list, blank=True)

    visibility_links = ("provider",)

    class Meta:
        ordering = ["provider", "title"]
        constraints = [
            precision_constraint("first_offered", "course_first_offered_precision"),
            named_or_held("provider", "course_provider_or_provider_text"),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingEvent(Record):
    """One run of a course: who hosted it, with whom, when, where, how, and how many came."""

    visibility_owner_path = "host"
    # A host named in a report that no institution answers to yet (issue 14) leaves ``host``
    # empty; the event then belongs to whoever reported it, so a restricted report stays
    # visible to its reporter's members, never to nobody or to everybody.
    visibility_owner_fallback = "reported_by"

    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    host = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_events",
    )
    host_text = models.CharField(
        _("host (as written, unreconciled)"),
        max_length=300,
        blank=True,
        help_text=_(
            "The host's name as the report wrote it, while no institution is chosen for it "
            "(see the reconciliation queue)."
        ),
    )
    title = models.CharField(_("title"), max_length=300)
    start = models.DateField(_("start"), null=True, blank=True)
    start_precision = precision_field()
    end = models.DateField(_("end"), null=True, blank=True)
    end_precision = precision_field()
    city = models.CharField(_("city"), max_length=200, blank=True)
    country = country_field()
    delivery_mode = models.CharField(
        _("delivery mode"),
        max_length=10,
        choices=DeliveryMode.choices,
        default=DeliveryMode.UNKNOWN,
    )
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    participants_qualifier = models.CharField(
        _("participants qualifier"),
        max_length=15,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
    )
    iaea_endorsed = models.BooleanField(_("IAEA endorsed"), null=True, blank=True)
    topics = models.ManyToManyField("vocabularies.Topic", blank=True, related_name="events")
    target_groups = models.ManyToManyField(
        "vocabularies.TargetGroup", blank=True, related_name="events"
    )
    # Crowd-sourced data reports one event several times (host, co-organiser, the IAEA). Each
    # report stays a record; a steward's merge points a duplicate at the report kept, so counts
    # skip it and the merge can be undone by clearing the pointer.
    reported_by = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_events",
        verbose_name=_("reported by"),
        help_text=_("Whose report this record transcribes; blank when the host reported it."),
    )
    same_as = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        verbose_name=_("same event as"),
    )

    periods = (("start", "end"),)

    visibility_links = ("host",)

    class Meta:
        ordering = ["-start", "title"]
        constraints = [
            precision_constraint("start", "event_start_precision"),
            precision_constraint("end", "event_end_precision"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="event_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(participants__isnull=True) | Q(participants__gte=0),
                name="event_participants_not_negative",
            ),
            country_constraint("country", "event_country_iso_alpha2"),
            models.CheckConstraint(condition=~Q(same_as=F("pk")), name="event_not_same_as_self"),
            models.CheckConstraint(
                condition=Q(host__isnull=False) | ~Q(host_text=""), name="event_host_or_host_text"
            ),
        ]
        # Also ``event_latest_first`` (migration 0004), written per database because SQLite
        # refuses NULLS LAST in an index.
        indexes = [
            # Carries what the visitor's filter reads (sensitivity, host), so counting the events
            # of a country and year reads the index alone, on PostgreSQL and SQLite: at 1M
            # events the table visits made this COUNT the slowest part of a filtered page.
            models.Index(
                fields=["country", "start", "sensitivity", "host"],
                name="event_country_start_covering",
            ),
            models.Index(fields=["start"]),
        ]

    def __str__(self) -> str:
        return self.title


class EventPartner(models.Model):
    """An institution that took part in an event other than as host, and in what role."""

    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="partners")
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="event_partnerships"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=PartnerRole.choices, default=PartnerRole.UNSPECIFIED
    )

    objects = OwnedRowManager()
    visibility_owner = "event"
    visibility_links = ("institution",)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "institution", "role"], name="event_partner_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} ({self.get_role_display()})"


class EventParticipantCountry(models.Model):
    """How many of an event's participants came from one country."""

    event = models.ForeignKey(
        TrainingEvent, on_delete=models.CASCADE, related_name="participant_countries"
    )
    country = country_field(blank=False)
    count = models.PositiveIntegerField(_("count"))

    objects = OwnedRowManager()
    visibility_owner = "event"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "country"], name="event_country_unique"),
            models.CheckConstraint(condition=Q(count__gte=0), name="event_country_count_gte_0"),
            country_constraint("country", "event_country_iso_alpha2_only", allow_blank=False),
        ]

    def __str__(self) -> str:
        return f"{self.country}: {self.count}"


class AggregateClaim(Record):
    """What an institution reports for a period without event detail.

    E.g. "20 seminars and training courses for over 500 nuclear security staff ... from 2010 to
    2012". Its numbers are Quantities pointing here. It may overlap logged events; analytics
    reconciles the two so nobody is counted twice.
    """

    visibility_owner_path = "claimant"
    visibility_owner_fallback = "reported_by"  # while the claimant is held as written

    claimant = models.ForeignKey(
        "institutions.Institution",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aggregate_claims",
    )
    claimant_text = held_as_written(_("claimant (as written, unreconciled)"))
    reported_by = reported_by_field("reported_aggregate_claims")
    description = models.TextField(_("description"))
    quote = models.TextField(_("quote"), blank=True)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_start_precision = precision_field()
    period_end = models.DateField(_("period end"), null=True, blank=True)
    period_end_precision = precision_field()
    # "N courses for M people in P" (issue 14): the claim's own figures, each with how exact
    # the source is, and the scope they are about (a country, a region, or blank: anywhere).
    courses = models.PositiveIntegerField(_("courses"), null=True, blank=True)
    courses_qualifier = models.CharField(
        _("courses qualifier"), max_length=15, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    people = models.PositiveIntegerField(_("people trained"), null=True, blank=True)
    people_qualifier = models.CharField(
        _("people qualifier"), max_length=15, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    country = country_field()
    region = models.CharField(_("region"), max_length=100, blank=True)

    periods = (("period_start", "period_end"),)

    visibility_links = ("claimant",)

    class Meta:
        ordering = ["claimant", "period_start"]
        constraints = [
            precision_constraint("period_start", "aggregate_period_start_precision"),
            precision_constraint("period_end", "aggregate_period_end_precision"),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="aggregate_end_not_before_start",
            ),
            country_constraint("country", "aggregate_country_iso_alpha2"),
            named_or_held("claimant", "aggregate_claimant_or_claimant_text"),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class FusedEvent(models.Model):
    """One true event fused from all its reports: the value of each field with the report that
    gave it (``activities.fusion`` states the rules; ``activities.fusing`` writes it).

    One row per report kept (``same_as`` empty). It is built only from reports at least as
    visible as the kept report (``fusing.qualifying``), so whoever may see the kept report may
    see everything here: it is read with the kept report's visibility (``visibility_owner``).
    """

    event = models.OneToOneField(
        TrainingEvent, primary_key=True, on_delete=models.CASCADE, related_name="fused"
    )
    data = models.JSONField(_("fused values with provenance"), default=dict)
    has_inferred = models.BooleanField(_("has inferred labels"), default=False)
    has_estimate = models.BooleanField(_("has estimated countries"), default=False)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    objects = OwnedRowManager()
    visibility_owner = "event"

    def __str__(self) -> str:
        return f"fused {self.event_id}"
