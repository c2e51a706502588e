"""The site's URLs plus ops' pages and API, for tests until the root URLconf mounts them."""

from django.urls import include, path
from ninja import NinjaAPI

from zhiyuan.accounts.apiauth import REQUIRED
from zhiyuan.config import api as site_api
from zhiyuan.config.urls import urlpatterns as site_urls
from zhiyuan.ops.api import router

ops_api = NinjaAPI(auth=REQUIRED, urls_namespace="ops_test_api", docs_url=None, openapi_url=None)
ops_api.add_router("/", router)
for exc_class, handler in site_api.api._exception_handlers.items():
    ops_api.add_exception_handler(exc_class, handler)

urlpatterns = [
    path("api/v1/", ops_api.urls),
    path("ops/", include("zhiyuan.ops.urls")),
    *site_urls,
]

handler500 = "zhiyuan.ops.middleware.server_error"
