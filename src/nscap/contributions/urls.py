from django.urls import path

from nscap.contributions import answer_views, queue_views, revert_views, views

app_name = "contributions"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("queue/", queue_views.queue_page, name="queue"),
    path("queue/bulk/", queue_views.bulk, name="queue_bulk"),
    path("changesets/<int:changeset_id>/", views.changeset_detail, name="changeset"),
    path("changesets/<int:changeset_id>/withdraw/", views.withdraw, name="withdraw"),
    path("changesets/<int:changeset_id>/answer/", answer_views.answer, name="answer_changeset"),
    path("changesets/<int:changeset_id>/review/", views.review, name="review"),
    path("history/<str:record_type>/<slug:key>/", views.history, name="history"),
    path("history/entries/<int:entry_id>/revert/", revert_views.revert, name="revert"),
    path("history/<str:record_type>/<slug:key>/restore/", revert_views.restore, name="restore"),
    path("confirmations/", views.confirmations, name="confirmations"),
    path("confirmations/<slug:key>/", views.answer_claim, name="answer"),
    path("<str:record_type>/new/", views.record_form, name="create"),
    path("<str:record_type>/<slug:key>/edit/", views.record_form, name="edit"),
]
