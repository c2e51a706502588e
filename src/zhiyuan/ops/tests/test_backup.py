"""Backups: the whole database round-trips, encrypted fields stay encrypted, bad restores refuse."""

import gzip
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from zhiyuan.accounts.models import User
from zhiyuan.core.errors import ValidationFailed
from zhiyuan.ops.backup import (
    BackupError,
    DatabaseNotEmpty,
    backed_up_models,
    restore_backup,
    validate_path,
    wipe_database,
    write_backup,
)
from zhiyuan.service.models import Certificate, HoursTotal, ServiceRecord
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in backed_up_models()}


def read(path) -> str:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return stream.read()


def wipe() -> None:
    wipe_database()


def test_backup_flush_restore_gives_back_every_row(served, tmp_path):
    path = tmp_path / "backup.jsonl.gz"
    before = counts()
    gina = Volunteer.objects.get(pk=served.gina.pk)
    record_rows = list(ServiceRecord.objects.order_by("pk").values())
    certificate = Certificate.objects.values().get(pk=served.certificate.pk)
    gina_skills = set(served.carol.skills.values_list("code", flat=True))
    call_command("backup", str(path), verbosity=0)

    wipe()
    assert not Volunteer.objects.exists()
    call_command("restore", str(path), verbosity=0)

    assert counts() == before
    restored = Volunteer.objects.get(pk=gina.pk)
    assert restored.id_number_encrypted == gina.id_number_encrypted
    assert restored.decrypted("id_number") == gina.decrypted("id_number")
    assert restored.decrypted("phone") == gina.decrypted("phone")
    assert restored.created_at == gina.created_at  # auto_now_add kept, not re-stamped
    assert list(ServiceRecord.objects.order_by("pk").values()) == record_rows
    assert Certificate.objects.values().get(pk=served.certificate.pk) == certificate
    assert set(served.carol.skills.values_list("code", flat=True)) == gina_skills
    assert HoursTotal.objects.get(volunteer=served.gina).approved_hours == 5.5
    assert User.objects.get(username="carol").check_password("correct-horse-battery-9")


def test_the_file_holds_ciphertext_never_clear_id_numbers_or_phones(served, tmp_path):
    path = tmp_path / "backup.jsonl.gz"
    write_backup(path)
    text = read(path)
    for volunteer in Volunteer.objects.all():
        assert volunteer.decrypted("id_number") not in text
        assert volunteer.decrypted("phone") not in text
        assert volunteer.id_number_encrypted in text
    header = json.loads(text.splitlines()[0])
    assert header["format"] == "zhiyuan-backup" and header["version"] == 1
    assert header["counts"]["volunteers.Volunteer"] == Volunteer.objects.count()
    assert "0001_initial" in header["migrations"]["volunteers"]


def test_new_rows_after_a_restore_get_fresh_ids(served, tmp_path):
    path = tmp_path / "backup.jsonl.gz"
    write_backup(path)
    top = ServiceRecord.objects.order_by("-pk").first().pk
    wipe()
    restore_backup(path)
    from zhiyuan.testing.factories import record

    assert record(served, served.gina, hours="1.00", days=3).pk > top


def test_restore_refuses_a_database_in_use_and_changes_nothing(served, tmp_path):
    path = tmp_path / "backup.jsonl.gz"
    write_backup(path)
    ServiceRecord.objects.filter(volunteer=served.carol).delete()
    before = counts()
    with pytest.raises(DatabaseNotEmpty):
        restore_backup(path)
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(path), verbosity=0)
    assert counts() == before


def test_restore_with_force_replaces_everything(served, tmp_path):
    path = tmp_path / "backup.jsonl.gz"
    write_backup(path)
    expected = counts()
    ServiceRecord.objects.filter(volunteer=served.carol).delete()
    call_command("restore", str(path), "--force", verbosity=0)
    assert counts() == expected


def test_a_truncated_backup_restores_nothing(served, tmp_path):
    path = tmp_path / "backup.jsonl.gz"
    write_backup(path)
    lines = read(path).splitlines()
    cut = tmp_path / "cut.jsonl.gz"
    with gzip.open(cut, "wt", encoding="utf-8") as stream:
        stream.write("\n".join(lines[:-3]) + "\n")
    wipe()
    with pytest.raises(BackupError):
        restore_backup(cut)
    assert not apps.get_model("volunteers.Volunteer").objects.exists()


def test_a_file_that_is_not_a_backup_is_refused(db, tmp_path):
    path = tmp_path / "other.gz"
    with gzip.open(path, "wt") as stream:
        stream.write('{"hello": 1}\n')
    with pytest.raises(BackupError) as refused:
        restore_backup(path)
    assert refused.value.field == "file"
    with pytest.raises(ValidationFailed) as missing:
        validate_path(str(tmp_path / "missing.gz"))
    assert "file" in missing.value.errors
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing.gz"), verbosity=0)


def test_a_backup_from_another_schema_is_refused(served, tmp_path):
    path = tmp_path / "backup.jsonl.gz"
    write_backup(path)
    lines = read(path).splitlines()
    header = json.loads(lines[0])
    header["migrations"]["volunteers"].append("0099_from_the_future")
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    wipe()
    with pytest.raises(CommandError, match="0099_from_the_future"):
        call_command("restore", str(path), verbosity=0)
