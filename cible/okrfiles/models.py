"""The names the OKR files give objectives and key results (their `ref`), kept so that a
file applied to a live organisation finds the same objective again after its title changed.

An objective or key result without a stored name gets one from the export, made from its
title (see `export._Refs`); `plan` and `apply` ask the export for the same names, and
`apply` and `import` store them.
"""

from django.db import models

from cible.okrs.models import KeyResult, Objective
from cible.orgs.models import Organization

REF_LENGTH = 100


class ObjectiveRef(models.Model):
    objective = models.OneToOneField(
        Objective, on_delete=models.CASCADE, primary_key=True, related_name="file_ref"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    ref = models.CharField(max_length=REF_LENGTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "ref"], name="objective_ref_unique")
        ]

    def __str__(self) -> str:
        return self.ref


class KeyResultRef(models.Model):
    key_result = models.OneToOneField(
        KeyResult, on_delete=models.CASCADE, primary_key=True, related_name="file_ref"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    ref = models.CharField(max_length=REF_LENGTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "ref"], name="key_result_ref_unique")
        ]

    def __str__(self) -> str:
        return self.ref


def remember_objective(objective: Objective, ref: str) -> None:
    ObjectiveRef.objects.update_or_create(
        objective=objective, defaults={"organization_id": objective.organization_id, "ref": ref}
    )


def remember_key_result(kr: KeyResult, ref: str, organization_id: int) -> None:
    KeyResultRef.objects.update_or_create(
        key_result=kr, defaults={"organization_id": organization_id, "ref": ref}
    )
