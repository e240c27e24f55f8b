"""Institutions, their names in every script, center profiles and milestones (Table 1)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nscap.core.choices import Sensitivity
from nscap.core.countries import country_field
from nscap.core.models import Record, held_as_written, named_or_held, reported_by_field
from nscap.core.partial_dates import precision_constraint, precision_field
from nscap.core.visibility import OwnedRowManager
from nscap.institutions.choices import (
    InstitutionKind,
    LabelKind,
    MilestoneKind,
    MilestoneStatus,
    ParentRole,
)


class Institution(Record):
    """Any organisation in the field: a center, an NSSC, a regulator, a university, the IAEA.

    ``country`` is ISO 3166-1 alpha-2 (blank for international bodies). ``parent`` and
    ``parent_role`` say where a center sits (operator, regulator or government agency, as in
    Table 1); ``parent_relation`` keeps the source's own words ("sits under ...").
    """

    visibility_owner_path = "pk"

    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=InstitutionKind.choices)
    country = country_field()
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    parent_role = models.CharField(
        _("parent's role"), max_length=30, choices=ParentRole.choices, blank=True
    )
    parent_relation = models.CharField(_("relation to parent"), max_length=300, blank=True)
    # A parent named by text no institution answers to yet (issue 14): held as written until
    # the reconciliation queue decides; its role is kept meanwhile.
    parent_text = held_as_written(_("parent (as written, unreconciled)"))
    website = models.URLField(_("web site"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # Set by a steward's merge: this record names the same organisation as ``same_as``.
    same_as = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        verbose_name=_("same institution as"),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="institution_not_own_parent"),
            models.CheckConstraint(
                condition=~Q(same_as=F("pk")), name="institution_not_same_as_self"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | Q(parent_role="") | ~Q(parent_text=""),
                name="institution_parent_role_needs_parent",
            ),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"),
                name="institution_country_iso_alpha2",
            ),
        ]
        indexes = [models.Index(fields=["country", "kind"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        seen = {self.pk} if self.pk else set()
        node = self.parent
        while node is not None:
            if node.pk in seen or node is self:
                raise ValidationError({"parent": _("This parent would make a cycle of parents.")})
            seen.add(node.pk)
            node = node.parent


class Label(models.Model):
    """One way to name an institution: a name, an acronym or an alias, in a language and script.

    ``language`` is a BCP 47 tag (``zh-Hans``, ``ja``, ``ko``, ``vi``, ``id``); ``script`` an ISO
    15924 code (``Latn``, ``Hans``, ``Jpan``, ``Kore``). ``normalized`` is the folded form that
    label resolution matches on.
    """

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="labels")
    text = models.CharField(_("text"), max_length=300)
    language = models.CharField(_("language"), max_length=35)
    script = models.CharField(_("script"), max_length=4, default="Latn")
    kind = models.CharField(_("kind"), max_length=10, choices=LabelKind.choices)
    preferred = models.BooleanField(_("preferred"), default=False)
    normalized = models.CharField(_("normalized"), max_length=300, db_index=True, editable=False)
    # Learned aliases only (kind ``learned``): the rows the decision was made for, by the
    # location country of the row and the key of the institution that reported it.
    context_country = models.CharField(_("context: country"), max_length=2, blank=True)
    context_reporter = models.CharField(_("context: reported by"), max_length=120, blank=True)

    objects = OwnedRowManager()
    visibility_owner = "institution"

    class Meta:
        ordering = ["institution", "-preferred", "kind", "language", "text"]
        constraints = [
            models.CheckConstraint(condition=~Q(language=""), name="label_has_language"),
            models.CheckConstraint(condition=~Q(text=""), name="label_has_text"),
            models.UniqueConstraint(
                fields=[
                    "institution",
                    "text",
                    "language",
                    "kind",
                    "context_country",
                    "context_reporter",
                ],
                name="label_unique_in_context",
            ),
        ]
        indexes = [
            models.Index(
                fields=["normalized", "context_country", "context_reporter"],
                name="label_learned_lookup",
                condition=Q(kind="learned"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.language})"

    def save(self, *args, **kwargs) -> None:
        from nscap.institutions.normalize import normalize_label

        self.normalized = normalize_label(self.text)
        super().save(*args, **kwargs)


class CenterProfile(Record):
    """Table 1 for a center: what area it serves (and plans to), its topics and activities.

    Structured fields hold what can be compared; the ``*_text`` fields keep the source's words.
    """

    visibility_owner_path = "institution"

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="profile"
    )
    geographic_focus = models.JSONField(_("geographic focus"), default=list, blank=True)
    geographic_focus_planned = models.JSONField(
        _("planned geographic focus"), default=list, blank=True
    )
    geographic_focus_text = models.TextField(_("geographic focus (source text)"), blank=True)
    topics = models.ManyToManyField(
        "vocabularies.Topic", blank=True, related_name="center_profiles"
    )
    topic_focus_text = models.TextField(_("topic focus (source text)"), blank=True)
    activity_focus = models.JSONField(_("activity focus"), default=list, blank=True)
    activity_focus_text = models.TextField(_("activity focus (source text)"), blank=True)
    # Topics the source's words do not name (``vocabularies.inferred``), with them as evidence.
    inferred_labels = models.JSONField(_("inferred labels"), default=list, blank=True)

    visibility_links = ("institution",)

    def __str__(self) -> str:
        return f"Profile of {self.institution}"


class Milestone(Record):
    """A dated step in a center's life: pledged, MOU signed, inaugurated, joined a network, ...

    The date is partial (``date`` + ``date_precision``); ``date_text`` keeps the source's words
    ("late 2015"). ``status`` says whether it happened or is planned or expected.
    """

    visibility_owner_path = "institution"
    visibility_owner_fallback = "reported_by"  # while the institution is held as written

    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.CASCADE, related_name="milestones"
    )
    institution_text = held_as_written(_("institution (as written, unreconciled)"))
    reported_by = reported_by_field("reported_milestones")
    kind = models.CharField(_("kind"), max_length=30, choices=MilestoneKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=MilestoneStatus.choices, default=MilestoneStatus.ACTUAL
    )
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = precision_field()
    date_text = models.CharField(_("date (source text)"), max_length=100, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    counterpart = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("counterpart"),
    )
    counterpart_text = models.CharField(_("counterpart (source text)"), max_length=200, blank=True)

    visibility_links = ("institution",)

    class Meta:
        ordering = ["institution", "date", "id"]
        constraints = [
            precision_constraint("date", "milestone_date_precision"),
            named_or_held("institution", "milestone_institution_or_institution_text"),
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.institution}: {self.get_kind_display()} {self.date_text or self.date}"


class TransparencyPolicy(models.Model):
    """An institution's public statement of what it publishes, at which level, and why.

    Its admin also decides here whether the institution's contributors' changes to its own
    public records are published without a steward (``auto_approve_own_public``).
    """

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="transparency_policy"
    )
    statement = models.TextField(_("statement"), blank=True)
    default_sensitivity = models.CharField(
        _("default sensitivity of new records"),
        max_length=10,
        choices=Sensitivity.choices,
        default=Sensitivity.PUBLIC,
    )
    auto_approve_own_public = models.BooleanField(
        _("publish contributors' changes to our own public records without review"),
        default=False,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"Transparency policy of {self.institution}"
