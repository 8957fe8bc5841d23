"""Offline plan: run the real Pulumi program under the SDK's mocks, with preview semantics."""
