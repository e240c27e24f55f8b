"""HTTP hygiene every response shares (issue 12): HEAD wherever GET, personal pages kept out of
shared caches, and a Permissions-Policy that turns off the browser features nscap never uses.

Each is a middleware rather than a decorator on views, so a new page or API operation has them
without anyone remembering to add them; ``tests/test_http_hygiene.py`` walks the URL
configuration to prove it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

# Browser features no page of nscap uses: denied to the page and every frame it could embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
)


class HeadAsGetMiddleware:
    """Answer HEAD wherever GET is answered: the request runs as a GET, the body is dropped.

    Function views under ``require_GET`` and django-ninja's GET operations answer HEAD with 405
    on their own; HTTP says HEAD is GET without the body (RFC 9110 §9.3.2), and monitors, link
    checkers and caches use it. The headers (Content-Length, ETag, Cache-Control) are the GET's.
    Outermost, so that every other middleware and view sees the same GET.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if response.streaming:
            response.streaming_content = iter(())
        else:
            if not response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response


def is_personal(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether the response is for this one person: a signed-in session or a token, or it sets
    a cookie. Static files are the same for everyone."""
    if request.path.startswith(settings.STATIC_URL):
        return False
    if response.cookies or "Authorization" in request.headers:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class ResponseHeadersMiddleware:
    """``Permissions-Policy`` on every response; ``Cache-Control: private`` on personal ones.

    A signed-in page shows the viewer's name, institution, queue and restricted records, so no
    shared cache (proxy, CDN) may keep it: ``private``, and ``no-store`` so that the browser
    does not keep it on disk after sign-out either. API reads with an ETag get ``no-cache``
    instead of ``no-store``: the client keeps them and revalidates with If-None-Match (304).
    The server-side page cache (``analytics.page_cache``) is keyed by viewer class and unaffected.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if is_personal(request, response):
            if response.has_header("ETag"):
                patch_cache_control(response, private=True, no_cache=True)
            else:
                patch_cache_control(response, private=True, no_store=True)
        return response
