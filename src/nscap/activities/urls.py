from django.urls import path

from nscap.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("overlaps/", views.course_overlaps, name="overlaps"),
    # No trailing slash, so a course keyed "suggest" keeps its page at suggest/.
    path("suggest", views.course_suggestions, name="suggest"),
    path("events/<slug:key>/", views.event_detail, name="event"),
    path("<slug:key>/", views.course_detail, name="course"),
]
