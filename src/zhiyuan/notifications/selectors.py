"""Reading a user's in-site messages."""

from django.db.models import QuerySet

from zhiyuan.notifications.models import Message


def inbox(user) -> QuerySet[Message]:
    return Message.objects.filter(recipient=user, channel=Message.Channel.SITE)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user).filter(read_at__isnull=True).count()
