"""Template context: the signed-in user's unread message count, for the navigation.

Remembered per user in this process until the messages table is written
(core.pagecache.remembered): a new or a read message shows on the next page.
"""

from zhiyuan.core.pagecache import remembered
from zhiyuan.notifications.selectors import unread_count


def unread(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_unread": 0}
    return {"nav_unread": remembered(f"unread:{user.pk}", lambda: unread_count(user))}
