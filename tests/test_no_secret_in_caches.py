"""No secret value stays in a process-wide cache after a translation (issue #14: secrets never linger in memory).

Every ``functools.lru_cache``/``cache`` wrapper of the translators is inspected after translating an estate whose
plain fields, Secrets and ConfigMaps hold planted secret-looking values: none of them may be a cache key.
"""
from __future__ import annotations

import functools
import gc
import sys
import textwrap

from translators.estate import DEFAULT_CLUSTER_CONFIG, TranslateOptions, translate_estate

PLANTED = ("S3cr3t-Pl4nted-Passw0rd-7f3a", "AKIAZZZZPLANTED12345", "pl4nted-token-9b8c7d6e5f")

MANIFESTS = textwrap.dedent(f"""\
    apiVersion: v1
    kind: ConfigMap
    metadata: {{name: app, namespace: shop}}
    data: {{DB_PASSWORD: "{PLANTED[0]}", AWS_ACCESS_KEY_ID: "{PLANTED[1]}"}}
    ---
    apiVersion: v1
    kind: Secret
    metadata: {{name: creds, namespace: shop}}
    stringData: {{API_TOKEN: "{PLANTED[2]}", DB_PASSWORD: "{PLANTED[0]}"}}
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {{name: api, namespace: shop}}
    spec:
      selector: {{matchLabels: {{app: api}}}}
      template:
        metadata: {{labels: {{app: api}}}}
        spec:
          containers:
            - name: api
              image: nginx:1.27
              args: ["--token={PLANTED[2]}"]
              env:
                - {{name: DB_PASSWORD, value: "{PLANTED[0]}"}}
                - {{name: AWS_SECRET_ACCESS_KEY, value: "{PLANTED[1]}"}}
    """)


def translator_caches() -> list[functools._lru_cache_wrapper]:
    """Every ``lru_cache``/``cache`` wrapper at the top level of a loaded ``translators`` module or of its classes
    (``gc.get_objects`` cannot be used: the translation freezes its survivors out of the collector's view)."""
    found: dict[int, functools._lru_cache_wrapper] = {}
    for name, module in list(sys.modules.items()):
        if not name.startswith("translators") or module is None:
            continue
        for value in vars(module).values():
            for v in [value, *(vars(value).values() if isinstance(value, type) else ())]:
                v = v.__func__ if isinstance(v, (staticmethod, classmethod)) else v
                if isinstance(v, functools._lru_cache_wrapper):
                    found[id(v)] = v
    return list(found.values())


def cached_strings(wrapper: functools._lru_cache_wrapper) -> list[str]:
    """The string keys (and strings inside tuple keys) a cache holds: its key dict is one of its gc referents."""
    out: list[str] = []
    for ref in gc.get_referents(wrapper):
        if isinstance(ref, dict) and "__wrapped__" not in ref:
            for key in ref:
                parts = key if isinstance(key, tuple) else (key,)
                out += [x for x in parts if isinstance(x, str)]
    return out


def test_the_cache_inspection_sees_a_cached_string():
    @functools.lru_cache(maxsize=4)
    def probe(value: str) -> int:
        return len(value)

    probe(PLANTED[0])
    assert PLANTED[0] in cached_strings(probe)  # the check below can fail


def test_planted_secrets_are_not_kept_by_any_translator_cache(tmp_path):
    (tmp_path / "m.yaml").write_text(MANIFESTS)
    plan = translate_estate(DEFAULT_CLUSTER_CONFIG, TranslateOptions(), [str(tmp_path / "m.yaml")])
    assert plan.workloads is not None and plan.workloads.secret_values  # the values were seen and marked secret
    caches = translator_caches()
    assert len(caches) > 10
    leaks = {c.__qualname__ for c in caches for s in cached_strings(c) if any(p in s for p in PLANTED)}
    assert leaks == set()
