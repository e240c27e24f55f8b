from django.urls import include, path

from nscap.analytics.home import home
from nscap.api import api
from nscap.contributions.revert_views import recent_changes

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("institutions/", include("nscap.institutions.urls")),
    path("courses/", include("nscap.activities.urls")),
    path("collaboration/", include("nscap.collaboration.urls")),
    path("networks/", include("nscap.networks.urls")),
    path("needs/", include("nscap.needs.urls")),
    path("figures/", include("nscap.quantities.urls")),
    path("sources/", include("nscap.sources.urls")),
    path("accounts/", include("nscap.accounts.urls")),
    path("changes/", recent_changes, name="recent_changes"),
    path("contribute/", include("nscap.contributions.urls")),
    path("data/", include("nscap.interchange.urls")),
    path("reconcile/", include("nscap.reconciliation.urls")),
    path("analytics/", include("nscap.analytics.urls")),
    path("linkage/", include("nscap.linkage.urls")),
    path("reports/", include("nscap.reports.urls")),
    path("search/", include("nscap.search.urls")),
    path("inbox/", include("nscap.notifications.urls")),
    # The home page reads across the apps, so it lives above core; its name stays "core:home".
    path("", include(([path("", home, name="home")], "core"))),
]

# Every refusal is written to the audit log (accounts.audit) before the 403 page.
handler403 = "nscap.accounts.views.permission_denied"
# A body over the size limit is a 413 with a message, not a bare 400 (core.request_limits).
handler400 = "nscap.core.request_limits.bad_request"
