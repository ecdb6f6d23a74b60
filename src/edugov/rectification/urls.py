from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views, views_map, views_ranking

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
    path("rankings/", views_ranking.ranking_list, name="ranking_list"),
    path("rankings/<int:pk>/", views_ranking.ranking_detail, name="ranking_detail"),
    path("rankings/<int:pk>/<slug:step>/", views_ranking.ranking_step, name="ranking_step"),
    path("rankings/<int:pk>/notice.<slug:fmt>", views_ranking.ranking_notice, name="ranking_notice"),
    path("map/", views_map.battle_map, name="battle_map"),
    path("map/data/", views_map.battle_map_data, name="battle_map_data"),
    path("map/boundary/", views_map.boundary_upload, name="boundary_upload"),
    path("map/boundary.geojson", views_map.boundary_file, name="boundary_file"),
    *router.urls,
]
