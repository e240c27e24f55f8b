from django.urls import path

from nscap.quantities import views

app_name = "quantities"
urlpatterns = [path("", views.figures_index, name="index")]
