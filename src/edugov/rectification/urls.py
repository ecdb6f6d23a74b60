from django.urls import path

from . import views, views_map, views_ranking, views_work

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
    path("tasks/", views_work.task_board, name="task_board"),
    path("tasks/export/", views_work.task_export, name="task_export"),
    path("tasks/<int:pk>/", views_work.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views_work.task_edit, name="task_edit"),
    path("tasks/<int:pk>/milestones/new/", views_work.milestone_new, name="milestone_new"),
    path("tasks/goals/new/", views_work.goal_new, name="goal_new"),
    path("tasks/goals/<int:pk>/tasks/new/", views_work.task_new, name="task_new"),
    path("tasks/milestones/<int:pk>/edit/", views_work.milestone_edit, name="milestone_edit"),
    path("liaison/", views_work.leader_list, name="leader_list"),
    path("liaison/leaders/<int:pk>/", views_work.leader_detail, name="leader_detail"),
    path("liaison/visits/new/", views_work.leader_visit_new, name="leader_visit_new"),
    path("liaison/visits/<int:pk>/", views_work.leader_visit_detail, name="leader_visit_detail"),
]
