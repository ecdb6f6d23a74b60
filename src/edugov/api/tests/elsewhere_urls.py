"""A URLconf for the audit-channel test: the registry's API mounted outside /api/, and a page
mounted under it, so the channel can only come from the handler."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from edugov.audit.context import current


@csrf_exempt
def channel_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(current().source)


urlpatterns = [
    path("elsewhere/", include("edugov.api.registry_urls")),
    path("api/v1/page/", channel_page),
]
