"""Azure RBAC role assignments with deterministic names.

Role GUIDs come from ``translators/data/azure_builtin_roles.tsv`` (Microsoft's
built-in roles page); assignment names are UUIDv5 of (stack, scope label, role,
principal label), so they are stable across runs and unique per stack.
"""
from __future__ import annotations

import pulumi
import pulumi_azure_native.authorization as authorization

from translators.plan import builtin_role_guid, stable_guid


def role_definition_id(subscription_id: pulumi.Input[str], role: str) -> pulumi.Output[str]:
    """``/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>`` for a built-in role name.

    Raises:
        KeyError: ``role`` is not in the built-in roles table.
    """
    guid = builtin_role_guid(role)
    return pulumi.Output.concat("/subscriptions/", subscription_id,
                                "/providers/Microsoft.Authorization/roleDefinitions/", guid)


def assign_role(logical_name: str, *, role: str, scope: pulumi.Input[str], principal_id: pulumi.Input[str],
                subscription_id: pulumi.Input[str], name_seed: tuple[str, ...],
                opts: pulumi.ResourceOptions,
                principal_type: authorization.PrincipalType = authorization.PrincipalType.SERVICE_PRINCIPAL,
                ) -> authorization.RoleAssignment:
    """Grant built-in ``role`` on ``scope`` to a principal: by default a service principal (a managed identity);
    ``principal_type`` ``GROUP`` for an Entra ID group, ``USER`` for a signed-in user.

    ``name_seed`` identifies the assignment for its deterministic GUID name.
    """
    return authorization.RoleAssignment(
        logical_name,
        role_assignment_name=stable_guid(*name_seed, role),
        scope=scope,
        role_definition_id=role_definition_id(subscription_id, role),
        principal_id=principal_id,
        principal_type=principal_type,
        opts=opts,
    )
