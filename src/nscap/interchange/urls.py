from django.urls import path

from nscap.interchange import views

app_name = "interchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("templates/<str:template_format>/", views.template, name="template"),
    path("export", views.export, name="export"),
    path("export/", views.export),
    path("import/", views.upload, name="upload"),
    path("import", views.upload),
    path("import/<str:token>/submit/", views.submit, name="submit"),
    path("import/<str:token>/cancel/", views.cancel, name="cancel"),
    path("import/<str:token>/errors.csv", views.error_report, name="errors"),
]
