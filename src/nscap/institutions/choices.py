from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionKind(models.TextChoices):
    CENTER_OF_EXCELLENCE = "center_of_excellence", _("Center of excellence")
    NSSC = "nssc", _("Nuclear Security Support Centre")
    REGULATOR = "regulator", _("Regulator")
    OPERATOR = "operator", _("Operator")
    GOVERNMENT_AGENCY = "government_agency", _("Government agency")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    NGO = "ngo", _("Non-governmental organisation")
    THINK_TANK = "think_tank", _("Think tank")
    INTERNATIONAL_ORG = "international_org", _("International organisation")


class ParentRole(models.TextChoices):
    """What the parent entity is to the center (Table 1 of the brief)."""

    OPERATOR = "operator", _("Operator")
    REGULATOR = "regulator", _("Regulator")
    GOVERNMENT_AGENCY = "government_agency", _("Government agency")
    PARENT_ORGANISATION = "parent_organisation", _("Parent organisation")
    UNSTATED = "unstated", _("Role not stated")


class LabelKind(models.TextChoices):
    NAME = "name", _("Name")
    ACRONYM = "acronym", _("Acronym")
    ALIAS = "alias", _("Alias")
    # A steward's reconciliation decision (issue 14): the text names this institution only in
    # rows of the label's context (country, reporter); elsewhere it resolves as before.
    LEARNED = "learned", _("Learned alias (in context)")


class GeographicScope(models.TextChoices):
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    GLOBAL = "global", _("Global")


class ActivityFocus(models.TextChoices):
    EDUCATION = "education", _("Education")
    TRAINING = "training", _("Training")
    TECHNICAL_SUPPORT = "technical_support", _("Technical and scientific support")
    TECHNOLOGY_DEVELOPMENT = "technology_development", _("Technology development")
    TECHNOLOGICAL_EXCHANGE = "technological_exchange", _("Technological exchange")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    PLANNING = "planning", _("Planning")
    AWARENESS = "awareness", _("Awareness raising")
    INTERNATIONAL_COLLABORATION = "international_collaboration", _("International collaboration")
    POLICY = "policy", _("Policy")
    INFORMATION_SHARING = "information_sharing", _("Information and best-practice sharing")
    CAPACITY_BUILDING = "capacity_building", _("Capacity-building assistance")
    INFRASTRUCTURE_ASSISTANCE = "infrastructure_assistance", _("Infrastructure assistance")
    CULTURE_DEVELOPMENT = "culture_development", _("Safety and security culture development")
    RESOURCE_OPTIMISATION = "resource_optimisation", _("Optimisation of resources")
    EXPERTISE = "expertise", _("Provision of expertise")
    RESEARCH = "research", _("Research")


class MilestoneKind(models.TextChoices):
    PLEDGED = "pledged", _("Pledged")
    MOU_SIGNED = "mou_signed", _("Memorandum signed")
    CONSTRUCTION_STARTED = "construction_started", _("Construction started")
    ESTABLISHED = "established", _("Established")
    INAUGURATED = "inaugurated", _("Inaugurated")
    BEGAN_COURSES = "began_courses", _("Began offering courses")
    BEGAN_OPERATION = "began_operation", _("Began operation")
    RECOGNISED_BY_IAEA = "recognised_by_iaea", _("Recognised by the IAEA")
    JOINED_NSSC_NETWORK = "joined_nssc_network", _("Joined the NSSC Network")
    FIRST_REGIONAL_EVENT = "first_regional_event", _("First regional event")
    CONSTRUCTION_COMPLETED = "construction_completed", _("Construction completed")
    OTHER = "other", _("Other")


class MilestoneStatus(models.TextChoices):
    ACTUAL = "actual", _("Actual")
    PLANNED = "planned", _("Planned")
    EXPECTED = "expected", _("Expected")
