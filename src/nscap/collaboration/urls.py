from django.urls import path

from nscap.collaboration import views

app_name = "collaboration"
urlpatterns = [path("", views.collaboration_index, name="index")]
