from django.urls import path

from nscap.linkage import bulk_views, views

app_name = "linkage"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk/preview/", bulk_views.preview, name="bulk_preview"),
    path("bulk/apply/", bulk_views.apply, name="bulk_apply"),
    path("bulk/<int:bulk_id>/undo/", bulk_views.undo, name="bulk_undo"),
    path("<int:suggestion_id>/<slug:decision>/", views.decide, name="decide"),
]
