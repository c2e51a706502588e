"""The volunteer's real-name profile, skills, and the encrypted fields behind it."""

from __future__ import annotations

from django.conf import settings
from django.db import connections, models
from django.db.models.fields.related_descriptors import ReverseOneToOneDescriptor
from django.utils.translation import gettext_lazy as _

from zhiyuan.core import crypto
from zhiyuan.core.prepared import Prepared
from zhiyuan.volunteers.idcard import Gender, IdType


class Skill(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    # 志愿服务条例 Art. 16: specialised services need training. Such a skill is granted by
    # completing a course that certifies it (training app), never declared on a profile.
    requires_training = models.BooleanField(_("requires training"), default=False)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "cpc_member", _("CPC member")
    CPC_PROBATIONARY = "cpc_probationary", _("CPC probationary member")
    CYL_MEMBER = "cyl_member", _("Communist Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", _("Member of a democratic party")
    MASSES = "masses", _("Ordinary citizen")


class VolunteerQuerySet(models.QuerySet):
    def lock(self, pk: int) -> None:
        """Hold the volunteer's row until the transaction ends: their own writes (sign-ups,
        check-ins, certificates, help requests …) run one at a time. Call inside
        `transaction.atomic()`.

        SQLite has no row locks: a write transaction there holds the database's one write lock
        from its BEGIN (IMMEDIATE, settings.DATABASES), so there is nothing to add, and the
        statement would only lengthen the time every other writer waits.
        """
        if connections[self.db].features.has_select_for_update and not _LOCK.rows(pk):
            raise Volunteer.DoesNotExist(f"no volunteer {pk}")


class Volunteer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    volunteer_no = models.CharField(_("volunteer number"), max_length=20, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer",
    )
    # 志愿者统一编号: the number the national volunteer-service information system gives the
    # same person (validation.national_number); optional, never the ID number.
    national_no = models.CharField(
        _("national volunteer number"), max_length=20, null=True, blank=True
    )
    # No index: names are searched by `contains`, which no B-tree index serves.
    real_name = models.CharField(_("real name"), max_length=50)
    id_type = models.CharField(_("ID type"), max_length=20, choices=IdType.choices)
    # Personal identifiers: ciphertext, a keyed hash for look-ups, and the masked form.
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), editable=False)
    id_number_index = models.CharField(max_length=64, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=24, editable=False)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    phone_encrypted = models.TextField(_("phone (encrypted)"), editable=False)
    # No index: nothing looks a volunteer up by phone (sign-in looks up the account's).
    phone_index = models.CharField(max_length=64, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=16, editable=False)
    community = models.ForeignKey(
        "places.Region",
        # Served by the (community, status) index below.
        db_index=False,
        verbose_name=_("home community"),
        on_delete=models.PROTECT,
        related_name="volunteers",
        limit_choices_to={"level": "community"},
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True)
    availability = models.PositiveIntegerField(
        _("weekly availability"), default=0, help_text=_("Bit mask, see volunteers.availability")
    )
    political_status = models.CharField(
        _("political status"),
        max_length=20,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.MASSES,
    )
    insured_until = models.DateField(
        _("accident insurance valid until"),
        null=True,
        blank=True,
        help_text=_("Shifts that require insurance (志愿服务条例 Art. 17) check this date."),
    )
    consent_version = models.CharField(_("privacy notice version"), max_length=20)
    consented_at = models.DateTimeField(_("consented at"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["-id"]
        # The unique ID-number index and national number as constraints rather than field
        # options: on PostgreSQL a unique or indexed CharField gets a second index for LIKE
        # (varchar_pattern_ops), which nothing asks of a hash; every index costs each insert
        # (an import writes tens of thousands of rows).
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], name="volunteer_id_number_unique"),
            models.UniqueConstraint(fields=["national_no"], name="volunteer_national_no_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "-id"], name="volunteer_status_recent"),
            models.Index(fields=["community", "status"], name="volunteer_community_status"),
            models.Index(fields=["created_at"], name="volunteer_created"),
        ]

    def __str__(self) -> str:
        return f"{self.real_name} ({self.volunteer_no})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def decrypted(self, field: str) -> str:
        """The clear value of an encrypted field. Callers must audit: see services.reveal."""
        return crypto.decrypt(getattr(self, f"{field}_encrypted"))


_LOCK = Prepared(lambda pk: Volunteer.objects.select_for_update().only("pk").filter(pk=pk)[:1])
_OF_USER = Prepared(lambda user_id: Volunteer._base_manager.filter(user_id=user_id)[:1])


class VolunteerOfUser(ReverseOneToOneDescriptor):
    """`user.volunteer`, read by a statement compiled once (core.prepared): every signed-in
    write asks it (whose sign-up, whose scan). VolunteersConfig.ready() puts it in place of
    the accessor the one-to-one field made."""

    @classmethod
    def install(cls) -> None:
        related = Volunteer._meta.get_field("user").remote_field
        setattr(related.model, related.get_accessor_name(), cls(related))

    def __get__(self, instance, cls=None):
        if (
            instance is not None
            and instance.pk is not None
            and not self.related.is_cached(instance)
        ):
            volunteer = _OF_USER.first(instance.pk)
            if volunteer is not None:
                self.related.field.set_cached_value(volunteer, instance)
            self.related.set_cached_value(instance, volunteer)
        return super().__get__(instance, cls)


class PhoneChange(models.Model):
    """A new phone a volunteer asked for, waiting for the code sent to it by SMS.

    Only when the code is entered does the number become the volunteer's phone and their
    account's login phone (see services.confirm_phone_change). One at a time per volunteer.
    """

    volunteer = models.OneToOneField(
        Volunteer,
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="phone_change",
    )
    phone_encrypted = models.TextField(_("new phone (encrypted)"), editable=False)
    phone_index = models.CharField(max_length=64, editable=False)
    phone_masked = models.CharField(_("new phone"), max_length=16, editable=False)
    code_hash = models.CharField(max_length=128, editable=False)
    attempts = models.PositiveSmallIntegerField(_("wrong codes entered"), default=0)
    expires_at = models.DateTimeField(_("code expires at"))
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("phone change")
        verbose_name_plural = _("phone changes")

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.phone_masked}"
