from django.urls import path

from nscap.networks import views

app_name = "networks"
urlpatterns = [
    path("", views.network_list, name="list"),
    path("<slug:key>/", views.network_detail, name="detail"),
]
