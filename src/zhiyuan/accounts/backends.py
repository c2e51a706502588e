"""Sign-in with a username, a volunteer number (the username of a volunteer's account) or a phone."""

from django.contrib.auth.backends import ModelBackend

from zhiyuan.accounts.models import User
from zhiyuan.core.crypto import blind_index
from zhiyuan.core.text import normalise_input


class PhoneOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        login = normalise_input(username)
        user = None
        if login.isdigit() and len(login) == 11:
            user = User.objects.filter(phone_index=blind_index("phone", login)).first()
        if user is None:
            user = User.objects.filter(username__iexact=username.strip()).first()
        if user is None:
            # Spend the same time as a real check so response times don't reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
