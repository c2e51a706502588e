"""The site's URLs, plus ops' privacy pages and API while the root URLconf does not mount them."""

from django.urls import NoReverseMatch, include, path, reverse

from zhiyuan.config.urls import urlpatterns as site_urls


def _ops_mounted() -> bool:
    try:
        reverse("ops:my_export", urlconf="zhiyuan.config.urls")
    except NoReverseMatch:
        return False
    return True


if _ops_mounted():
    urlpatterns = list(site_urls)
else:
    from zhiyuan.ops.tests.urls import ops_api

    urlpatterns = [
        path("api/v1/", ops_api.urls),
        path("ops/", include("zhiyuan.ops.urls")),
        *site_urls,
    ]
