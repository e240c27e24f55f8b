from django.urls import path

from nscap.reconciliation import views

app_name = "reconciliation"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("decide/", views.decide, name="decide"),
    path("undo/", views.undo, name="undo"),
]
