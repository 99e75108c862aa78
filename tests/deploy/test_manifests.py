"""The Kubernetes manifests in deploy/k8s, checked offline: valid for the Kubernetes API
(kubernetes-validate, bundled schemas), clean for a security linter (checkov: every finding
fixed, or skipped with its reason in the manifest), and saying what issue 14 asks: who may reach
whom (NetworkPolicies), which paths face the Internet, which pod holds which token.

The two linters run from their own venv (scripts/deploy_lint.py builds it on first use)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.deploy_lint import ensure

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
MANIFESTS = sorted(K8S.glob("*.yaml"))
#: a proxy that answers nothing: the linters must not need the network
OFFLINE = {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
#: One pytest-xdist worker runs them all, so the linters' venv is built once (`ensure` also
#: holds a lock, for any other concurrent caller).
pytestmark = pytest.mark.xdist_group("deploy-lint")


@pytest.fixture(scope="module")
def linters() -> Path:
    return ensure()


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **OFFLINE, "NO_PROXY": "", "no_proxy": ""}
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


def documents() -> list[dict[str, Any]]:
    return [
        doc for path in MANIFESTS for doc in yaml.safe_load_all(path.read_text()) if doc is not None
    ]


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [doc for doc in documents() if doc["kind"] == kind]


def test_there_are_manifests() -> None:
    assert {path.name for path in MANIFESTS} >= {
        "actions.yaml",
        "backend.yaml",
        "network-policies.yaml",
        "router.yaml",
        "secrets.example.yaml",
        "webhook.yaml",
    }


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda path: path.name)
def test_every_manifest_is_valid_for_the_kubernetes_api(linters: Path, manifest: Path) -> None:
    result = run([str(linters / "kubernetes-validate"), "--strict", "--quiet", str(manifest)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_checkov_finds_nothing_left_unjustified(linters: Path) -> None:
    result = run(
        [
            str(linters / "checkov"),
            "--directory",
            str(K8S),
            "--framework",
            "kubernetes",
            "--skip-download",
            "--output",
            "json",
        ]
    )
    report = json.loads(result.stdout)
    failed = [
        (check["check_id"], check["resource"], check["check_name"])
        for check in report["results"]["failed_checks"]
    ]
    assert failed == [], failed
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["passed"] > 100, "checkov checked (almost) nothing"
    for check in report["results"]["skipped_checks"]:
        reason = check["check_result"].get("suppress_comment") or ""
        assert len(reason) > 20, f"{check['check_id']} on {check['resource']} has no reason"
    assert result.returncode == 0, result.stderr[-2000:]


def pod_labels(app: str) -> dict[str, str]:
    for deployment in of_kind("Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        if labels.get("app") == app:
            return labels
    raise AssertionError(f"no Deployment of {app}")


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.get("matchLabels", {}).items())


def allowed_sources(labels: dict[str, str]) -> list[tuple[str, dict[str, str], list[int]]]:
    """(namespace or "mes", pod labels required, ports) of every peer allowed to connect."""
    sources = []
    for policy in of_kind("NetworkPolicy"):
        if not selects(policy["spec"]["podSelector"], labels):
            continue
        for rule in policy["spec"].get("ingress", []):
            ports = sorted(port["port"] for port in rule.get("ports", []))
            for peer in rule.get("from", []):
                namespace = (
                    peer.get("namespaceSelector", {})
                    .get("matchLabels", {})
                    .get("kubernetes.io/metadata.name", "mes")
                )
                sources.append((namespace, peer["podSelector"]["matchLabels"], ports))
    return sources


PROMETHEUS = ("monitoring", {"app.kubernetes.io/name": "prometheus"})
RASA_POD = {"app.kubernetes.io/name": "rasa", "mes-redis-client": "true"}  # deploy/helm labels
REDIS_POD = {"app.kubernetes.io/name": "redis"}


def test_every_pod_is_denied_by_default() -> None:
    defaults = [p for p in of_kind("NetworkPolicy") if p["spec"]["podSelector"] == {}]
    assert defaults and all(p["spec"]["policyTypes"] == ["Ingress"] for p in defaults)
    assert all("ingress" not in p["spec"] for p in defaults)
    for doc in documents():
        assert doc["metadata"].get("namespace") == "mes", (doc["kind"], doc["metadata"]["name"])


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            {"app": "mes-webhook"},
            {
                ("ingress-nginx", (("app.kubernetes.io/name", "ingress-nginx"),), (5000,)),
                (PROMETHEUS[0], tuple(PROMETHEUS[1].items()), (5000,)),
            },
        ),
        (
            {"app": "mes-router"},
            {
                ("mes", (("app", "mes-webhook"),), (5005,)),
                (PROMETHEUS[0], tuple(PROMETHEUS[1].items()), (8404,)),
            },
        ),
        (RASA_POD, {("mes", (("app", "mes-router"),), (5005,))}),
        (
            {"app": "mes-actions"},
            {
                ("mes", (("app.kubernetes.io/name", "rasa"),), (5055,)),
                (PROMETHEUS[0], tuple(PROMETHEUS[1].items()), (5055,)),
            },
        ),
        ({"app": "mes-backend"}, {("mes", (("app", "mes-actions"),), (5100,))}),
        (
            REDIS_POD,
            {
                ("mes", (("mes-redis-client", "true"),), (6379, 26379)),
                ("mes", (("app.kubernetes.io/name", "redis"),), (6379, 26379)),
            },
        ),
    ],
    ids=["webhook", "router", "rasa", "actions", "backend", "redis"],
)
def test_each_service_is_reachable_only_from_its_caller(
    target: dict[str, str], expected: set[tuple[str, tuple, tuple]]
) -> None:
    labels = pod_labels(target["app"]) if "app" in target else target
    found = {
        (namespace, tuple(sorted(peer.items())), tuple(ports))
        for namespace, peer, ports in allowed_sources(labels)
    }
    assert found == {(ns, tuple(sorted(peer)), ports) for ns, peer, ports in expected}


def test_only_the_services_that_use_redis_carry_its_client_label() -> None:
    clients = {
        labels["app"]
        for labels in (d["spec"]["template"]["metadata"]["labels"] for d in of_kind("Deployment"))
        if labels.get("mes-redis-client") == "true"
    }
    assert clients == {"mes-webhook", "mes-actions", "mes-backend"}  # + Rasa (deploy/helm)
    assert "mes-router" not in clients
    rasa_values = yaml.safe_load((ROOT / "deploy" / "helm" / "rasa-values.yaml").read_text())
    assert rasa_values["podLabels"] == {"mes-redis-client": "true"}
    assert rasa_values["networkPolicy"]["enabled"] is False  # ours, not the chart's looser one
    redis_values = yaml.safe_load((ROOT / "deploy" / "helm" / "redis-values.yaml").read_text())
    assert redis_values["networkPolicy"]["enabled"] is False


def test_the_ingress_routes_the_pages_and_nothing_internal() -> None:
    from webhook.voice.links import PAGE_PATH

    (ingress,) = of_kind("Ingress")
    paths = {
        path["path"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
        if path["backend"]["service"]["name"] == "mes-webhook"
    }
    assert paths == {"/twilio/", "/advisor", PAGE_PATH, "/static/"}
    for internal in ("/simulator", "/metrics", "/healthz", "/"):
        assert not any(internal == path or internal.startswith(path) for path in paths), internal


def container_env(app: str) -> dict[str, Any]:
    for deployment in of_kind("Deployment"):
        if deployment["spec"]["template"]["metadata"]["labels"].get("app") == app:
            (container,) = deployment["spec"]["template"]["spec"]["containers"]
            assert "envFrom" not in container, f"{app} takes the whole secret"
            return {item["name"]: item for item in container.get("env", [])}
    raise AssertionError(app)


def test_each_pod_holds_only_the_tokens_of_its_own_hops() -> None:
    webhook, actions = container_env("mes-webhook"), container_env("mes-actions")
    assert "RASA_TOKEN" in webhook
    assert not {"ACTION_SERVER_TOKEN", "BACKEND_SERVICE_TOKEN", "BACKEND_ADMIN_TOKEN"} & set(
        webhook
    )
    assert {"ACTION_SERVER_TOKEN", "BACKEND_SERVICE_TOKEN"} <= set(actions)
    assert not {"RASA_TOKEN", "BACKEND_ADMIN_TOKEN"} & set(actions)
    rasa_env = {
        item["name"]
        for item in yaml.safe_load((ROOT / "deploy" / "helm" / "rasa-values.yaml").read_text())[
            "extraEnv"
        ]
    }
    assert {"RASA_TOKEN", "ACTION_SERVER_TOKEN"} <= rasa_env
    assert "BACKEND_SERVICE_TOKEN" not in rasa_env


def test_services_bind_loopback_unless_a_policy_guards_them() -> None:
    example = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line.endswith("_BIND=127.0.0.1") or line.startswith("WEBHOOK_BIND=")
    )
    assert example == {
        "RASA_BIND": "127.0.0.1",
        "ACTION_BIND": "127.0.0.1",
        "BACKEND_BIND": "127.0.0.1",
        "WEBHOOK_BIND": "",  # gunicorn_conf: 127.0.0.1:WEBHOOK_PORT
    }
    guarded = {
        labels["app"]
        for policy in of_kind("NetworkPolicy")
        for labels in [policy["spec"]["podSelector"].get("matchLabels", {})]
        if "app" in labels
    }
    for deployment in of_kind("Deployment"):
        app = deployment["spec"]["template"]["metadata"]["labels"]["app"]
        assert app in guarded, f"{app} listens on the pod's interface with no NetworkPolicy"


def test_the_cluster_rasa_uses_the_stores_of_endpoints_yml() -> None:
    """The Helm chart's tracker and lock stores are the classes a local stack loads (mixing
    Rasa's own lock store with ours would leave a conversation unlocked across pods)."""
    local = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    rasa_values = yaml.safe_load((ROOT / "deploy" / "helm" / "rasa-values.yaml").read_text())
    endpoints = rasa_values["applicationSettings"]["endpoints"]
    assert endpoints["trackerStore"]["type"] == local["tracker_store"]["type"]
    assert endpoints["lockStore"]["type"] == local["lock_store"]["type"]
    assert endpoints["lockStore"]["key_prefix"] == local["lock_store"]["key_prefix"]
