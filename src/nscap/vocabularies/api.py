"""Read API of the vocabularies: topics and target groups."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from nscap.core.api_support import (
    CitationIndex,
    by_key,
    check_query,
    detail_responses,
    get_visible_or_404,
    list_responses,
    paginate,
    visible,
)
from nscap.vocabularies.models import TargetGroup, Topic
from nscap.vocabularies.schemas import (
    TargetGroupQuery,
    TargetGroupSchema,
    TopicQuery,
    TopicSchema,
    target_group_item,
    topic_item,
)

router = Router(tags=["vocabularies"])


def _topics(user) -> QuerySet:
    return visible(Topic, user).prefetch_related(Prefetch("parent", queryset=visible(Topic, user)))


def _items(user, item):
    def serialize(objects: list) -> list[dict]:
        citations = CitationIndex(user, objects)
        return [item(obj, citations) for obj in objects]

    return serialize


def _name_matches(text: str | None) -> Q:
    text = (text or "").strip()
    return Q(name__icontains=text) | Q(name_zh__icontains=text) if text else Q()


@router.get("/topics", response=list_responses(TopicSchema))
def list_topics(request: HttpRequest, query: Query[TopicQuery]):
    """Topics by key. Filters: parent, q."""
    check_query(request, TopicQuery)
    user = request.user
    topics = _topics(user).filter(_name_matches(query.q)).order_by("key")
    if query.parent:
        topics = topics.filter(parent__in=by_key(Topic, user, query.parent))
    return paginate(request, query, topics, _items(user, topic_item))


@router.get("/topics/{key}", response=detail_responses(TopicSchema))
def get_topic(request: HttpRequest, key: str):
    """One topic."""
    topic = get_visible_or_404(request, _topics(request.user), key, _("topic"))
    return topic_item(topic, CitationIndex(request.user, [topic]))


@router.get("/target-groups", response=list_responses(TargetGroupSchema))
def list_target_groups(request: HttpRequest, query: Query[TargetGroupQuery]):
    """Target groups by key. Filter: q."""
    check_query(request, TargetGroupQuery)
    user = request.user
    groups = visible(TargetGroup, user).filter(_name_matches(query.q)).order_by("key")
    return paginate(request, query, groups, _items(user, target_group_item))


@router.get("/target-groups/{key}", response=detail_responses(TargetGroupSchema))
def get_target_group(request: HttpRequest, key: str):
    """One target group."""
    group = get_visible_or_404(request, visible(TargetGroup, request.user), key, _("target group"))
    return target_group_item(group, CitationIndex(request.user, [group]))
