"""Sign-in with a username, a volunteer number (the username of a volunteer's account) or a phone."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from zhiyuan.accounts import signin
from zhiyuan.accounts.models import User


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
