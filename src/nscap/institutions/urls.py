from django.urls import path

from nscap.institutions import views

app_name = "institutions"
urlpatterns = [
    path("", views.institution_list, name="list"),
    # No trailing slash, so an institution keyed "suggest" keeps its page at suggest/.
    path("suggest", views.institution_suggestions, name="suggest"),
    path("<slug:key>/", views.institution_detail, name="detail"),
]
