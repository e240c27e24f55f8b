from django.urls import path

from nscap.collaboration import views

app_name = "collaboration"
urlpatterns = [
    path("", views.collaboration_index, name="index"),
    path("graph/", views.collaboration_graph, name="graph"),
    path("depth/", views.collaboration_depth, name="depth"),
]
