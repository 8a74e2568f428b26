"""python -m fiks_simulator --folder DIR --config FILE.json [--https-port N --amqps-port M]

Runs the simulator and the archives the configuration names until SIGTERM or SIGINT,
printing one line per message an archive handles. The configuration (paths relative to it):

{
  "schemas": "samtale/archive/schemas/fiks-arkiv-v1",
  "clients": [{"client_id": "...", "org": "9 digits", "certificate": "ent.crt",
               "keys": {"kid": "public.pem"}, "scopes": ["ks:fiks"]}],
  "delegations": [{"consumer_org": "...", "supplier_org": "...", "scope": "ks:fiks"}],
  "integrations": [{"id": "uuid", "password": "...", "org": "..."}],
  "accounts": [{"id": "uuid", "org": "...", "name": "...", "certificate": "account.crt",
                "integrations": ["uuid"]}],
  "archives": [{"account": "uuid", "certificate": "archive.crt", "key": "archive.key",
                "store": "archive.json"}]
}
"""

import argparse
import json
import signal
import threading
from pathlib import Path
from typing import Any

from .archive import Pem
from .server import Simulator

BROKER = "amqp://guest:guest@127.0.0.1:5672/%2F"


def _configure(simulator: Simulator, config: dict[str, Any], base: Path) -> None:
    for client in config.get("clients", []):
        certificate = client.get("certificate")
        simulator.maskinporten.register_client(
            client["client_id"],
            org=client["org"],
            certificate_pem=(base / certificate).read_bytes() if certificate else None,
            keys={kid: (base / path).read_bytes() for kid, path in client.get("keys", {}).items()},
            scopes=set(client.get("scopes", ["ks:fiks"])),
        )
    for delegation in config.get("delegations", []):
        simulator.maskinporten.delegate(
            delegation["consumer_org"],
            delegation["supplier_org"],
            delegation.get("scope", "ks:fiks"),
        )
    for integration in config.get("integrations", []):
        simulator.fiksio.register_integration(
            integration["id"], integration["password"], org=integration["org"]
        )
    for account in config.get("accounts", []):
        simulator.fiksio.register_account(
            account["id"],
            org=account["org"],
            name=account["name"],
            public_certificate_pem=(base / account["certificate"]).read_bytes(),
            integrations=account.get("integrations", []),
        )


def _run_archive(
    simulator: Simulator, entry: dict[str, Any], base: Path, stop: threading.Event
) -> None:
    """One archive on its own thread (its pika connection is used by this thread only)."""
    account = entry["account"]
    store = entry.get("store")
    archive = simulator.archive(
        account=account,
        own=Pem(base / entry["certificate"], base / entry["key"]),
        store=base / store if store else None,
        log=lambda line: print(f"archive {account}: {line}", flush=True),
    )
    with archive:
        while not stop.is_set():
            archive.serve(wait=0.5)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fiks_simulator", description=__doc__)
    parser.add_argument("--folder", type=Path, required=True, help="certificates and keys")
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--https-port", type=int, default=0)
    parser.add_argument("--amqps-port", type=int, default=0)
    parser.add_argument("--broker", default=BROKER, help="the RabbitMQ behind Fiks IO")
    parser.add_argument("--host", default="127.0.0.1")
    options = parser.parse_args(argv)
    config = json.loads(options.config.read_text())
    base = options.config.resolve().parent
    schemas = config.get("schemas")
    simulator = Simulator(
        options.broker,
        options.folder,
        host=options.host,
        https_port=options.https_port,
        amqps_port=options.amqps_port,
        schemas=base / schemas if schemas else None,
    )
    _configure(simulator, config, base)
    stop = threading.Event()
    for name in (signal.SIGTERM, signal.SIGINT):
        signal.signal(name, lambda *_: stop.set())
    with simulator:
        print(f"Fiks API     {simulator.api_url}", flush=True)
        print(f"Maskinporten {simulator.maskinporten_issuer} (token: {simulator.token_url})")
        print(f"Fiks IO AMQPS {simulator.amqp_host}:{simulator.amqp_port}")
        print(f"Trust        {simulator.ca_bundle}", flush=True)
        threads = [
            threading.Thread(target=_run_archive, args=(simulator, entry, base, stop), daemon=True)
            for entry in config.get("archives", [])
        ]
        for thread in threads:
            thread.start()
        stop.wait()
        for thread in threads:
            thread.join(timeout=5)


if __name__ == "__main__":
    main()
