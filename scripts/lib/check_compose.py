#!/usr/bin/env python3
"""Checks the normalised compose model against Ballast's deployment contract.

Input is the output of `docker compose -f compose/docker-compose.yml config
--format json` (a file path argument, or stdin). Working on the normalised
model rather than the YAML means anchors, merges and ${VAR:-default}
interpolation have already been resolved exactly as Compose resolves them.

Prints one line per failed check and exits 1, or a short summary and 0.
Standard library only: it runs in any python3.
"""

from __future__ import annotations

import json
import sys
from typing import Any

# Service name -> admin port (the contract's defaults).
BALLAST_SERVICES = {
    "ingest": 9101,
    "signal-processor": 9102,
    "rebalancer": 9103,
    "market-data": 9104,
    "deposits": 9105,
    "notifier": 9106,
}
INFRA_SERVICES = ("redis", "postgres", "migrate")
REQUIRED_ENV = ("BALLAST_REDIS_URL", "BALLAST_DATABASE_URL", "BALLAST_BIND_HOST")
REQUIRED_DEPENDS = {
    "redis": "service_healthy",
    "postgres": "service_healthy",
    "migrate": "service_completed_successfully",
}
# Services allowed to publish host ports. Everything else must stay
# unpublished so `--scale <service>=N` cannot clash on host ports.
MAY_PUBLISH = {"ingest"}


def admin_port_var(name: str) -> str:
    return f"BALLAST_{name.upper().replace('-', '_')}_ADMIN_PORT"


def healthcheck_test(service: dict[str, Any]) -> list[str]:
    """The healthcheck command as a list, or [] when absent or disabled."""
    hc = service.get("healthcheck") or {}
    if hc.get("disable"):
        return []
    test = hc.get("test") or []
    if isinstance(test, str):
        test = ["CMD-SHELL", test]
    if not test or test[0] == "NONE":
        return []
    return [str(part) for part in test]


def check_ballast_service(name: str, svc: dict[str, Any]) -> list[str]:
    errors = []
    env = svc.get("environment") or {}
    required = REQUIRED_ENV + (("BALLAST_INGEST_PORT",) if name == "ingest" else ())
    for var in required:
        if not env.get(var):
            errors.append(f"{name}: environment variable {var} is not set")

    test = " ".join(healthcheck_test(svc))
    port = env.get(admin_port_var(name)) or BALLAST_SERVICES[name]
    if "/readyz" not in test:
        errors.append(f"{name}: healthcheck does not hit /readyz (test: {test or 'none'})")
    elif f":{port}/readyz" not in test:
        errors.append(f"{name}: healthcheck does not use admin port {port} (test: {test})")

    depends = svc.get("depends_on") or {}
    for dep, condition in REQUIRED_DEPENDS.items():
        got = (depends.get(dep) or {}).get("condition")
        if got != condition:
            errors.append(f"{name}: depends_on {dep} needs condition {condition} (got {got})")

    command = svc.get("command") or []
    if not command or command[0] != name:
        errors.append(f"{name}: command should start with the '{name}' binary (got {command})")
    if svc.get("container_name"):
        errors.append(f"{name}: container_name prevents --scale; remove it")
    if svc.get("restart") != "unless-stopped":
        errors.append(f"{name}: restart should be unless-stopped (got {svc.get('restart')})")
    if not svc.get("stop_grace_period"):
        errors.append(f"{name}: stop_grace_period is not set")
    return errors


def check_infra(services: dict[str, Any]) -> list[str]:
    errors = []
    for name in ("redis", "postgres"):
        if name in services and not healthcheck_test(services[name]):
            errors.append(f"{name}: no healthcheck")
    migrate = services.get("migrate")
    if migrate is not None:
        if (migrate.get("command") or [])[:2] != ["ballast", "migrate"]:
            errors.append(f"migrate: command should be ['ballast', 'migrate'] (got {migrate.get('command')})")
        got = ((migrate.get("depends_on") or {}).get("postgres") or {}).get("condition")
        if got != "service_healthy":
            errors.append(f"migrate: depends_on postgres needs condition service_healthy (got {got})")
    return errors


def check_ports(services: dict[str, Any]) -> list[str]:
    errors = []
    for name, svc in services.items():
        published = [p for p in svc.get("ports") or [] if p.get("published")]
        if published and name not in MAY_PUBLISH:
            errors.append(f"{name}: publishes host ports {[p.get('published') for p in published]}; only ingest may")
    ingest = services.get("ingest") or {}
    ingest_port = int((ingest.get("environment") or {}).get("BALLAST_INGEST_PORT") or 8080)
    targets = [int(p.get("target", 0)) for p in ingest.get("ports") or [] if p.get("published")]
    if "ingest" in services and ingest_port not in targets:
        errors.append(f"ingest: container port {ingest_port} is not published")
    return errors


def check(model: dict[str, Any]) -> list[str]:
    services = model.get("services") or {}
    errors = [
        f"missing service: {name}"
        for name in (*BALLAST_SERVICES, *INFRA_SERVICES)
        if name not in services
    ]
    for name in BALLAST_SERVICES:
        if name in services:
            errors += check_ballast_service(name, services[name])
    errors += check_infra(services)
    errors += check_ports(services)
    return errors


def main(argv: list[str]) -> int:
    if len(argv) > 2:
        print("usage: check_compose.py [config.json]", file=sys.stderr)
        return 2
    try:
        if len(argv) == 2:
            with open(argv[1], encoding="utf-8") as f:
                model = json.load(f)
        else:
            model = json.load(sys.stdin)
    except (OSError, json.JSONDecodeError) as exc:
        print(f"FAIL: cannot read compose JSON: {exc}")
        return 1

    errors = check(model)
    for error in errors:
        print(f"FAIL: {error}")
    if errors:
        return 1
    services = model.get("services") or {}
    print(
        f"compose OK: {len(services)} services; {len(BALLAST_SERVICES)} Ballast services "
        "have env, /readyz healthchecks and depends_on; only ingest publishes a port"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
