"""Sign-in with a username, a volunteer number (the username of a volunteer's account) or a phone."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from zhiyuan.accounts import signin
from zhiyuan.accounts.models import User
from zhiyuan.core.pagecache import remembered
from zhiyuan.core.prepared import Prepared

USER_COLUMNS = tuple(field.attname for field in User._meta.concrete_fields)
_ROW = Prepared(lambda pk: User._default_manager.filter(pk=pk).values_list(*USER_COLUMNS)[:1])


def user_key(user_id) -> str:
    """The remembered read of a user's row (accounts/sessions.py reads it with the session)."""
    return f"user:{user_id}"


class PhoneOrUsernameBackend(ModelBackend):
    """Resolves what was typed to one account, refuses a paused account or address before
    checking the password, and counts the outcome (see `zhiyuan.accounts.signin`)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        login = signin.resolve(username)
        lockout = settings.LOGIN_FAILURE_LIMIT > 0
        if lockout:
            signin.check_allowed(request, login)
        user = login.user
        if user is None:
            # Spend the same time as a real check so response times don't reveal accounts.
            User().set_password(password)
        elif user.check_password(password) and self.user_can_authenticate(user):
            if lockout:
                signin.record_success(request, login)
            return user
        if lockout:
            signin.record_failure(request, login)
        return None

    def get_user(self, user_id):
        """The user of a signed-in request: the row is read once per process until the users
        table is written (core.pagecache.remembered), and each request gets its own object."""
        found = remembered(user_key(user_id), lambda: _ROW.first(user_id), keep_none=False)
        if found is None:
            return None
        user = User.from_db(User._default_manager.db, USER_COLUMNS, found)
        return user if self.user_can_authenticate(user) else None
