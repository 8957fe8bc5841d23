"""Key Vault (RBAC authorisation, soft delete, purge protection) and the KMS key for etcd encryption."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_azure_native.keyvault as keyvault

SOFT_DELETE_DAYS = 90


class Vault(pulumi.ComponentResource):
    """``eks-to-aks:landing-zone:KeyVault``: the stack's vault, plus an RSA-2048 key when etcd KMS
    encryption is planned.

    With ``secret_values`` (a secret map from config), creates one Key Vault secret per name in
    ``secret_names`` from it. Outputs: ``vault_id``, ``vault_uri``, ``kms_key_id`` (versioned key URI or ``None``).
    """

    def __init__(self, name: str, vault_name: str, resource_group_name: pulumi.Input[str], location: str,
                 tenant_id: pulumi.Input[str], kms_key_name: str | None,
                 secret_values: pulumi.Input[Mapping[str, str]] | None = None, secret_names: Sequence[str] = (),
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("eks-to-aks:landing-zone:KeyVault", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.vault = keyvault.Vault(
            "vault", vault_name=vault_name, resource_group_name=resource_group_name, location=location,
            properties=keyvault.VaultPropertiesArgs(
                tenant_id=tenant_id,
                sku=keyvault.SkuArgs(family=keyvault.SkuFamily.A, name=keyvault.SkuName.STANDARD),
                enable_rbac_authorization=True, enable_soft_delete=True,
                soft_delete_retention_in_days=SOFT_DELETE_DAYS, enable_purge_protection=True),
            opts=child)
        self.vault_id = self.vault.id
        self.vault_uri = self.vault.properties.apply(lambda p: p.vault_uri)
        self.kms_key_id: pulumi.Output[str] | None = None
        if kms_key_name:
            key = keyvault.Key(
                "kms-key", key_name=kms_key_name, vault_name=self.vault.name,
                resource_group_name=resource_group_name,
                properties=keyvault.KeyPropertiesArgs(kty=keyvault.JsonWebKeyType.RSA, key_size=2048),
                opts=child)
            self.kms_key_id = key.key_uri_with_version
        # values the user supplied with `pulumi config set --secret eks-to-aks:secretValues` (names are known
        # from the secrets migration plan; values stay Pulumi secrets end to end)
        self.secrets: list[keyvault.Secret] = []  # the workloads mounting them wait for them
        if secret_values is not None:
            values = pulumi.Output.secret(secret_values)
            for secret_name in secret_names:
                self.secrets.append(keyvault.Secret(
                    f"secret-{secret_name}", secret_name=secret_name, vault_name=self.vault.name,
                    resource_group_name=resource_group_name,
                    properties=keyvault.SecretPropertiesArgs(
                        value=pulumi.Output.secret(values.apply(lambda v, n=secret_name: str(v[n])))),
                    opts=child))
        self.register_outputs({"vault_id": self.vault_id, "vault_uri": self.vault_uri})
