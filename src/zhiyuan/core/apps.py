"""The core app: the lowest layer, importing no other zhiyuan app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhiyuan.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.core.signals import setting_changed
        from django.db.backends.signals import connection_created

        from zhiyuan.core import crypto, pagecache

        setting_changed.connect(crypto.reset_on_setting_change)
        setting_changed.connect(pagecache.reset_on_setting_change)
        # Every write through a database connection renews the stamps of its tables.
        connection_created.connect(pagecache.install_write_watch)
