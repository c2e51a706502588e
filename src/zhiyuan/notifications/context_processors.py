"""Template context: the signed-in user's unread message count, for the navigation."""

from zhiyuan.notifications.selectors import unread_count


def unread(request) -> dict:
    user = getattr(request, "user", None)
    return {"nav_unread": unread_count(user) if user is not None else 0}
