from django.urls import path

from nscap.needs import views

app_name = "needs"
urlpatterns = [path("", views.needs_index, name="index")]
