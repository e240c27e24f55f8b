from django.urls import path

from nscap.search import views

app_name = "search"
urlpatterns = [path("", views.search_results, name="results")]
