"""The project's URLs plus `bench/bare/`: a view that does no work, the floor to compare with."""

from django.http import JsonResponse
from django.urls import path

from zhiyuan.config.urls import urlpatterns as project_urlpatterns


def bare(request):
    """Through the full middleware stack like every page, but no database and no template."""
    items = [{"id": n, "name": f"item {n}", "value": n * 1.5} for n in range(20)]
    return JsonResponse({"ok": True, "items": items})


urlpatterns = [path("bench/bare/", bare), *project_urlpatterns]
