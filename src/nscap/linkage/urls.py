from django.urls import path

from nscap.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:suggestion_id>/<slug:decision>/", views.decide, name="decide"),
]
