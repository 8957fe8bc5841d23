"""Secrets builders shared by the test_secrets* modules: the Key Vault name and SecretProviderClass text."""
from __future__ import annotations

import textwrap

KV = "kv-shop-1a2b3c4d"


def spc(objects: str, name: str = "app", extra_params: str = "", api: str = "v1") -> str:
    """A SecretProviderClass shop/``name`` (aws provider) with ``objects`` and ``extra_params``."""
    body = textwrap.indent(textwrap.dedent(objects), " " * 8)
    return (f"apiVersion: secrets-store.csi.x-k8s.io/{api}\nkind: SecretProviderClass\n"
            f"metadata: {{name: {name}, namespace: shop}}\nspec:\n  provider: aws\n  parameters:\n"
            f"    objects: |\n{body}" + textwrap.indent(textwrap.dedent(extra_params), "    ") + "---\n")
