from django.urls import path

from nscap.institutions import views

app_name = "institutions"
urlpatterns = [
    path("", views.institution_list, name="list"),
    path("<slug:key>/", views.institution_detail, name="detail"),
]
