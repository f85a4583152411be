"""How clients and workers reach Temporal: one set of options, read from the environment the way
every Temporal tool reads it, then overridden by flags.

`temporalio.envconfig` already knows `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`,
`TEMPORAL_TLS*` and the profile file of the Temporal CLI, so a worker or CLI configured for
`temporal` works here unchanged. Every connection uses the pydantic data converter, so payloads are
readable JSON in the UI and round-trip into the project's pydantic types.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.envconfig import ClientConfig
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from .converter import data_converter

DEFAULT_ADDRESS = "localhost:7233"
DEFAULT_NAMESPACE = "default"


@dataclass
class ConnectionOptions:
    """Where Temporal is and how to authenticate; `None` fields keep the environment's value."""

    address: str | None = None
    namespace: str | None = None
    api_key: str | None = None
    tls: bool | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_ca: Path | None = None
    tls_server_name: str | None = None
    env: Mapping[str, str] | None = field(default=None, repr=False)
    """The environment to read; the process environment when None (tests pass their own)."""

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        group = parser.add_argument_group("Temporal connection (defaults from TEMPORAL_* env)")
        group.add_argument("--address", help=f"host:port (env TEMPORAL_ADDRESS, {DEFAULT_ADDRESS})")
        group.add_argument("--namespace", help="namespace (env TEMPORAL_NAMESPACE, default)")
        group.add_argument("--api-key", help="API key, implies TLS (env TEMPORAL_API_KEY)")
        group.add_argument(
            "--tls",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="force TLS on or off (env TEMPORAL_TLS)",
        )
        group.add_argument("--tls-cert", type=Path, help="client certificate (mTLS) PEM file")
        group.add_argument("--tls-key", type=Path, help="client private key (mTLS) PEM file")
        group.add_argument("--tls-ca", type=Path, help="server root CA PEM file")
        group.add_argument("--tls-server-name", help="TLS server name (SNI) override")

    @classmethod
    def from_args(
        cls, args: argparse.Namespace, env: Mapping[str, str] | None = None
    ) -> ConnectionOptions:
        return cls(
            address=args.address,
            namespace=args.namespace,
            api_key=args.api_key,
            tls=args.tls,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            tls_ca=args.tls_ca,
            tls_server_name=args.tls_server_name,
            env=env,
        )

    def connect_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `Client.connect`: environment first, then these overrides."""
        config: dict[str, Any] = dict(
            ClientConfig.load_client_connect_config(
                override_env_vars=dict(self.env) if self.env is not None else None
            )
        )
        config.setdefault("target_host", DEFAULT_ADDRESS)
        config.setdefault("namespace", DEFAULT_NAMESPACE)
        if self.address:
            config["target_host"] = self.address
        if self.namespace:
            config["namespace"] = self.namespace
        if self.api_key:
            config["api_key"] = self.api_key
            config.setdefault("tls", True)
        if self.tls_cert or self.tls_key or self.tls_ca or self.tls_server_name:
            config["tls"] = TLSConfig(
                client_cert=self.tls_cert.read_bytes() if self.tls_cert else None,
                client_private_key=self.tls_key.read_bytes() if self.tls_key else None,
                server_root_ca_cert=self.tls_ca.read_bytes() if self.tls_ca else None,
                domain=self.tls_server_name,
            )
        elif self.tls is not None:
            config["tls"] = self.tls
        if self.tls is False:
            config["tls"] = False
        return config

    async def connect(self, *, runtime: Runtime | None = None) -> Client:
        return await Client.connect(
            **self.connect_kwargs(), data_converter=data_converter(), runtime=runtime
        )
