from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

router = SimpleRouter()
router.include_format_suffixes = False
router.register("api/items", api.ItemViewSet, basename="api-item")

app_name = "rectification"
urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.my_items, name="my_items"),
    path("items/", views.item_list, name="item_list"),
    path("items/export/", views.item_export, name="item_export"),
    path("items/new/", views.item_new, name="item_new"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/<slug:action>/", views.item_action, name="item_action"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("notifications/", views.notification_list, name="notification_list"),
    *router.urls,
]
