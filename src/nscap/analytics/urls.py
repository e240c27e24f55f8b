from django.urls import path

from nscap.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.analytics_index, name="index"),
    path("gaps/", views.gaps_page, name="gaps"),
    path("gaps/<str:cell>/", views.gap_cell, name="gap_cell"),
    path("achievements/", views.achievements_page, name="achievements"),
]
