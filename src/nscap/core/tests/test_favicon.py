"""Browsers ask every site for /favicon.ico: it is served (issue 16), not a 404 in every log."""

import pytest


@pytest.mark.django_db
def test_favicon_ico_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}


@pytest.mark.django_db
def test_pages_link_the_svg_icon(client):
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    assert client.get("/static/core/favicon.svg").status_code == 200
