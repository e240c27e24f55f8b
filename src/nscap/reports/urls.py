from django.urls import path

from nscap.reports import views

app_name = "reports"
urlpatterns = [
    path("regional/", views.regional_page, name="regional"),
    path("regional/pdf/", views.regional_pdf, name="regional_pdf"),
    path("regional/xlsx/", views.regional_xlsx, name="regional_xlsx"),
]
