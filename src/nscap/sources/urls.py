from django.urls import path

from nscap.sources import views

app_name = "sources"
urlpatterns = [
    path("", views.source_list, name="list"),
    # No trailing slash, so a source keyed "suggest" keeps its page at suggest/.
    path("suggest", views.source_suggestions, name="suggest"),
    path("<slug:key>/", views.source_detail, name="detail"),
]
