import pytest
from django.contrib.auth import get_user_model


@pytest.mark.django_db
def test_any_lookup_matches_like_in() -> None:
    users = get_user_model().objects
    for name in ("ann", "bob", "cid"):
        users.create(username=name)
    found = users.filter(username__any=["bob", "cid", "zed"]).values_list("username", flat=True)
    assert sorted(found) == ["bob", "cid"]
    assert not users.filter(username__any=[]).exists()
    assert users.exclude(username__any={"ann"}).count() == 2
