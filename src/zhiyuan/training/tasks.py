"""Background work for training: the daily expiry of certifications, for a task scheduler."""

from django_tasks import task

from zhiyuan.training.services import expire_certifications


@task()
def expire_certifications_task() -> list[int]:
    lapsed, removed = expire_certifications()
    return [lapsed, removed]
