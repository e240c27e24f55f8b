from django.urls import path

from nscap.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("", views.account, name="account"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("invitations/new/", views.invitation_create, name="invite"),
    path("invitations/<str:token>/", views.invitation_accept, name="accept"),
    path("institutions/<slug:key>/members/", views.members, name="members"),
    path(
        "institutions/<slug:key>/members/<int:affiliation_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("institutions/<slug:key>/transparency/", views.transparency, name="transparency"),
    path(
        "institutions/<slug:key>/transparency/edit/",
        views.transparency_edit,
        name="transparency_edit",
    ),
]
