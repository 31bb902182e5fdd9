"""Checks of the production stack: docker-compose.yml, .env.example and the files under docker/.

Plain pytest, no CKAN fixtures and no Docker engine: the compose file is read with PyYAML and rendered with
the `docker-compose` binary (Debian package docker-compose, installed by the project's install script), which
interpolates and validates a file without a daemon.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.test_plugin import PLUGINS_INI, home_plugins

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
CKAN_DOCKERFILE = ROOT / "docker" / "ckan" / "Dockerfile"
SCHEDULER_SCRIPT = ROOT / "docker" / "ckan" / "scheduler.sh"
ENTRYPOINT = ROOT / "docker" / "ckan" / "entrypoint.sh"
DOCKERIGNORE = ROOT / "docker" / "ckan" / "Dockerfile.dockerignore"

# Built from docker/ckan/Dockerfile; the one-shot ckan-init migrates the database before the others start
CKAN_SERVICES = ("ckan-init", "ckan", "harvest-gather", "harvest-fetch", "worker", "scheduler")
ONE_SHOT_SERVICES = {"ckan-init"}
REQUIRED_SERVICES = {*CKAN_SERVICES, "solr", "db", "redis", "nginx"}
SCALABLE_SERVICES = ("ckan", "harvest-fetch", "worker")
# What CKAN and our entrypoint read from the environment; every CKAN-based container needs all of them
CKAN_ENV_VARS = (
    "CKAN_SQLALCHEMY_URL",
    "CKAN_SOLR_URL",
    "CKAN_REDIS_URL",
    "CKAN_SITE_URL",
    "CKAN_SITE_ID",
    "CKAN_DATASTORE_WRITE_URL",
    "CKAN_DATASTORE_READ_URL",
    "CKAN_STORAGE_PATH",
    "CKAN___SECRET_KEY",
)
# Secrets that must be supplied: no default may stand in for them
MANDATORY_SECRETS = {
    "POSTGRES_PASSWORD",
    "CKAN_DB_PASSWORD",
    "DATASTORE_READONLY_PASSWORD",
    "REDIS_PASSWORD",
    "CKAN_SECRET_KEY",
}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|_KEY$|TOKEN|AUTH", re.IGNORECASE)
# ${VAR}, ${VAR:-default}, ${VAR:?message}, ... ("$$" is compose's escape for a literal "$")
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
URL_CREDENTIALS = re.compile(r"://(?P<user>[^:/@\s]*):(?P<password>[^@\s]+)@")
VERSION_TAG = re.compile(r"^v?\d+\.\d+")
NAMED_VOLUMES = {
    "db": ("pg_data", "/var/lib/postgresql/data"),
    "solr": ("solr_data", "/var/solr"),
    "redis": ("redis_data", "/data"),
    **{service: ("ckan_storage", "/var/lib/ckan") for service in CKAN_SERVICES},
}
SOLR_CONFIGSET = "./solr/configsets/ckan/conf"


# --- helpers ------------------------------------------------------------------------------------------------


def load_compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def load_env_example() -> dict[str, str]:
    values = {}
    for number, line in enumerate(ENV_EXAMPLE.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Z_][A-Z0-9_]*", name), f".env.example line {number}: {line!r}"
        values[name] = value
    return values


def strings(node: Any) -> Iterator[str]:
    """Every string value (not key) in the parsed compose file, anchors included."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def variables(text: str) -> Iterator[re.Match[str]]:
    yield from VARIABLE.finditer(text.replace("$$", ""))


def interpolate(text: str, env: dict[str, str]) -> str:
    def substitute(match: re.Match[str]) -> str:
        name, modifier, argument = match.groups()
        value = env.get(name)
        if modifier in (":-", "-") and not value:
            return argument
        return value or ""

    return VARIABLE.sub(substitute, text.replace("$$", "\0")).replace("\0", "$")


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def check_pinned(image: str, where: str) -> None:
    assert "@sha256:" in image or ":" in image.rsplit("/", 1)[-1], f"{where}: image {image!r} has no tag"
    tag = image.rsplit("/", 1)[-1].partition(":")[2].partition("@")[0]
    assert tag != "latest", f"{where}: image {image!r} uses the latest tag"
    assert VERSION_TAG.match(tag), f"{where}: image {image!r} is not pinned to a version (at least x.y)"


# --- structure ----------------------------------------------------------------------------------------------


def test_required_services_present():
    services = load_compose()["services"]
    missing = REQUIRED_SERVICES - services.keys()
    assert not missing, f"services missing from docker-compose.yml: {sorted(missing)}"


def test_every_image_is_pinned():
    env = load_env_example()
    for name, service in load_compose()["services"].items():
        assert "image" in service, f"{name}: no image (a built service still needs a versioned tag)"
        check_pinned(interpolate(service["image"], env), name)


def test_ckan_dockerfile_base_image_is_pinned():
    from_lines = re.findall(r"^FROM\s+(\S+)", CKAN_DOCKERFILE.read_text(encoding="utf-8"), re.MULTILINE)
    assert from_lines, f"{CKAN_DOCKERFILE} has no FROM"
    for image in from_lines:
        assert "$" not in image, f"FROM {image}: the base image must be written out, not built from ARGs"
        check_pinned(image, f"{CKAN_DOCKERFILE.name} FROM")
    assert from_lines[0].startswith("ckan/ckan-base:2.12."), "build on the official CKAN 2.12 image"


def test_ckan_services_share_one_image_and_build():
    services = load_compose()["services"]
    images = {services[name]["image"] for name in CKAN_SERVICES}
    assert len(images) == 1, f"CKAN services use different images: {images}"
    for name in CKAN_SERVICES:
        build = services[name].get("build") or {}
        assert build.get("dockerfile") == "docker/ckan/Dockerfile", f"{name}: not built from our Dockerfile"
        assert (ROOT / build.get("context", ".") / build["dockerfile"]).is_file()


def test_every_long_running_service_has_a_healthcheck():
    for name, service in load_compose()["services"].items():
        if name in ONE_SHOT_SERVICES:
            continue
        check = service.get("healthcheck") or {}
        test = check.get("test")
        assert test and not check.get("disable"), f"{name}: no health check"
        assert test[0] in ("CMD", "CMD-SHELL"), f"{name}: health check {test!r}"


def test_health_checks_probe_the_right_thing():
    services = load_compose()["services"]

    def probe(name: str) -> str:
        return " ".join(services[name]["healthcheck"]["test"])

    assert "/api/3/action/status_show" in probe("ckan")
    assert "/solr/ckan/admin/ping" in probe("solr")
    assert "pg_isready" in probe("db")
    assert "redis-cli" in probe("redis") and "ping" in probe("redis")
    assert "process" in probe("harvest-gather") and "gather-consumer" in probe("harvest-gather")
    assert "process" in probe("harvest-fetch") and "fetch-consumer" in probe("harvest-fetch")
    assert "process" in probe("worker") and "jobs worker" in probe("worker")
    assert "heartbeat" in probe("scheduler")


def test_dependencies_wait_for_health():
    services = load_compose()["services"]
    for name, service in services.items():
        depends = service.get("depends_on") or {}
        assert isinstance(depends, dict), f"{name}: depends_on must use the long form with a condition"
        for dependency, spec in depends.items():
            assert dependency in services, f"{name} depends on unknown service {dependency}"
            expected = (
                "service_completed_successfully" if dependency in ONE_SHOT_SERVICES else "service_healthy"
            )
            assert spec.get("condition") == expected, f"{name} -> {dependency}: condition is not {expected}"
    assert {"db", "solr", "redis"} <= services["ckan-init"]["depends_on"].keys()
    for name in CKAN_SERVICES:
        if name not in ONE_SHOT_SERVICES:
            # every CKAN process starts on a migrated database, with PostgreSQL, Solr and Redis up
            assert {"ckan-init", "db", "solr", "redis"} <= services[name]["depends_on"].keys(), name
    assert "ckan" in services["nginx"]["depends_on"]


def test_restart_policies():
    for name, service in load_compose()["services"].items():
        restart = service.get("restart")
        if name in ONE_SHOT_SERVICES:
            assert restart == "no", f"{name}: a one-shot must not be restarted"
        else:
            assert restart in ("always", "unless-stopped"), f"{name}: restart={restart}"


def test_worker_commands():
    services = load_compose()["services"]
    assert services["harvest-gather"]["command"][-2:] == ["tangerang", "gather-consumer"]
    assert services["harvest-fetch"]["command"][-2:] == ["tangerang", "fetch-consumer"]
    assert services["worker"]["command"][-2:] == ["jobs", "worker"]
    assert "command" not in services["ckan"], "the web service keeps the image's start_ckan.sh"
    assert services["scheduler"]["command"] == ["tangerang-scheduler"]
    assert services["ckan-init"]["command"][-1] == "/srv/app/tangerang_init.py"
    script = SCHEDULER_SCRIPT.read_text(encoding="utf-8")
    assert "harvester run" in script and "harvester clean-harvest-log" in script
    # the OPDs' daily digest of overdue datasets, once a day (the day of the last try on the storage volume)
    assert 'ckan -c "$CKAN_INI" tangerang digest send' in script and "/var/lib/ckan/digest.day" in script
    # the link checker's nightly batches, for the worker service (tests/test_stack_scripts.py runs the loop)
    assert "tangerang links check --enqueue" in script and "/var/lib/ckan/links.day" in script
    # before it, the quality scores measured again on the day (the digest lists the low ones)
    refresh = 'ckan -c "$CKAN_INI" tangerang quality refresh'
    assert refresh in script and script.index(refresh) < script.index(
        'ckan -c "$CKAN_INI" tangerang digest send'
    )
    # in the same daily block, the public catalogue's downloads written afresh
    export = 'ckan -c "$CKAN_INI" tangerang catalog export'
    assert export in script and script.index(refresh) < script.index(export) < script.index(
        "links_hour )) &&"
    )


def test_services_can_be_scaled():
    """Only the proxy publishes a port and no service pins a container name, so --scale works for ckan and
    harvest-fetch."""
    for name, service in load_compose()["services"].items():
        assert "container_name" not in service, f"{name}: container_name prevents --scale"
        if name != "nginx":
            assert not service.get("ports"), f"{name}: publishes ports; only nginx may"
    services = load_compose()["services"]
    assert services["nginx"]["ports"], "nginx publishes no port"
    for name in SCALABLE_SERVICES:
        replicas = str(services[name].get("deploy", {}).get("replicas", ""))
        assert replicas.startswith("${"), f"{name}: replicas should come from .env"
    # two schedulers would start every harvest job twice
    assert services["scheduler"].get("deploy", {}).get("replicas") == 1


# --- volumes and mounts -------------------------------------------------------------------------------------


def test_named_volumes_declared_and_used():
    compose = load_compose()
    declared = set(compose.get("volumes") or {})
    used = set()
    for name, service in compose["services"].items():
        mounts = {}
        for volume in service.get("volumes") or []:
            source, _, rest = volume.partition(":")
            target = rest.partition(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name}: volume {source} is not declared"
                used.add(source)
            mounts[source] = target
        if name in NAMED_VOLUMES:
            volume, target = NAMED_VOLUMES[name]
            assert mounts.get(volume) == target, f"{name}: {volume} must be mounted at {target}"
    assert declared == used, f"declared but unused volumes: {sorted(declared - used)}"


def test_bind_mounts_exist_in_the_repository():
    for name, service in load_compose()["services"].items():
        for volume in service.get("volumes") or []:
            source = volume.partition(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: bind-mounted {source} is not in the repository"
            assert not source.startswith("/"), f"{name}: absolute host path {source}"


def test_solr_uses_the_project_configset():
    solr = load_compose()["services"]["solr"]
    sources = [volume.partition(":")[0] for volume in solr["volumes"]]
    assert SOLR_CONFIGSET in sources, f"solr does not mount {SOLR_CONFIGSET}"
    conf = ROOT / SOLR_CONFIGSET
    assert conf.is_dir(), f"the Solr configset {conf} does not exist in the repository"
    assert (conf / "solrconfig.xml").is_file(), f"{conf} has no solrconfig.xml"
    assert (conf / "schema.xml").is_file() or (conf / "managed-schema.xml").is_file(), f"{conf} has no schema"


# --- environment and secrets --------------------------------------------------------------------------------


def test_ckan_settings_reach_web_and_workers():
    services = load_compose()["services"]
    reference = environment(services["ckan"])
    for name in CKAN_SERVICES:
        env = environment(services[name])
        for variable in CKAN_ENV_VARS:
            assert env.get(variable), f"{name}: {variable} is not set"
            # the consumers must talk to the same database, index, queue and site as the web container
            assert env[variable] == reference[variable], f"{name}: {variable} differs from the ckan service"
    env = environment(services["ckan"])
    assert env["CKAN_SOLR_URL"] == "http://solr:8983/solr/ckan"
    assert "@db:5432/" in env["CKAN_SQLALCHEMY_URL"]
    assert env["CKAN_DATASTORE_READ_URL"] != env["CKAN_DATASTORE_WRITE_URL"], "reads need the read-only role"
    assert env["CKAN_REDIS_URL"].startswith("redis://") and "@redis:6379/" in env["CKAN_REDIS_URL"]


def test_the_plugin_list_is_not_copied_into_the_deployment():
    """The image carries config/plugins.ini, the one home of the list; neither .env nor the compose file names
    plugins."""
    assert "CKAN__PLUGINS" not in load_env_example()
    for name, service in load_compose()["services"].items():
        assert "CKAN__PLUGINS" not in environment(service), f"{name}: sets CKAN__PLUGINS"
    dockerfile = CKAN_DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^COPY config/plugins\.ini \$\{APP_DIR\}/plugins\.ini$", dockerfile, re.MULTILINE)
    assert "!config/plugins.ini" in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()


def run_entrypoint(tmp_path: Path, plugins_ini: Path | None) -> tuple[subprocess.CompletedProcess[str], Path]:
    """docker/ckan/entrypoint.sh as the image runs it, with the image's copy of ``plugins_ini`` in APP_DIR and a
    stand-in ``ckan`` that records its arguments; the command it hands over to prints CKAN__PLUGINS."""
    app_dir, bin_dir = tmp_path / "app", tmp_path / "bin"
    app_dir.mkdir()
    bin_dir.mkdir()
    if plugins_ini is not None:
        shutil.copyfile(plugins_ini, app_dir / "plugins.ini")
    recorded = tmp_path / "ckan-arguments"
    ckan = bin_dir / "ckan"
    ckan.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > {recorded}\n", encoding="utf-8")
    ckan.chmod(0o755)
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "APP_DIR": str(app_dir),
        "CKAN_INI": str(tmp_path / "ckan.ini"),
        "CKAN___SECRET_KEY": "0123456789abcdef" * 4,
    }
    command = ["bash", str(ENTRYPOINT), "printenv", "CKAN__PLUGINS"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=30), recorded


def test_the_entrypoint_writes_the_plugins_of_the_image_envvars_last(tmp_path):
    result, recorded = run_entrypoint(tmp_path, PLUGINS_INI)
    assert result.returncode == 0, result.stderr
    expected = " ".join([*home_plugins(), "envvars"])
    # exported for the official image's prerun.py, which writes CKAN__PLUGINS into ckan.ini again
    assert result.stdout.strip() == expected
    arguments = recorded.read_text(encoding="utf-8").splitlines()
    assert arguments[:2] == ["config-tool", str(tmp_path / "ckan.ini")]
    assert f"ckan.plugins = {expected}" in arguments


def test_the_entrypoint_refuses_to_start_without_the_plugin_list(tmp_path):
    result, recorded = run_entrypoint(tmp_path, None)
    assert result.returncode == 64
    assert "plugins.ini is missing" in result.stderr
    assert not recorded.exists(), "ckan.ini was written without plugins"


def test_no_secret_literal_in_compose():
    compose = load_compose()
    for name, service in compose["services"].items():
        for key, value in environment(service).items():
            if SECRET_NAME.search(key):
                literal = not (value.startswith("${") and value.endswith("}"))
                assert not literal, f"{name}: {key} is a literal, not ${{...}}"
        command = service.get("command") or []
        for flag, argument in itertools.pairwise(command):
            if flag in ("--requirepass", "--password"):
                assert argument.startswith("${"), f"{name}: {flag} takes a literal"
    for text in strings(compose):
        # each ${...} becomes one marker character, so "user:password@" splits where the URL does
        masked = VARIABLE.sub("\x01", text.replace("$$", ""))
        for match in URL_CREDENTIALS.finditer(masked):
            assert match["password"] == "\x01", f"literal password in URL {text!r}"


def test_mandatory_secrets_have_no_default():
    compose = load_compose()
    seen = set()
    for text in strings(compose):
        for match in variables(text):
            name, modifier, _ = match.groups()
            if name in MANDATORY_SECRETS:
                seen.add(name)
                assert modifier == ":?", f"${{{name}}} must be written ${{{name}:?...}}: {text!r}"
    assert seen == MANDATORY_SECRETS, f"secrets never used: {sorted(MANDATORY_SECRETS - seen)}"


def test_every_compose_variable_is_in_env_example():
    env = load_env_example()
    used = {match[1] for text in strings(load_compose()) for match in variables(text)}
    missing = used - env.keys()
    assert not missing, f"used in docker-compose.yml but absent from .env.example: {sorted(missing)}"
    # and the other way round, so .env.example documents nothing that has no effect
    unused = env.keys() - used - {"COMPOSE_PROJECT_NAME"}
    assert not unused, f".env.example sets variables docker-compose.yml never reads: {sorted(unused)}"


def test_env_example_holds_placeholders_not_secrets():
    for name, value in load_env_example().items():
        if SECRET_NAME.search(name) and value:
            assert "change-me" in value, (
                f".env.example: {name} looks like a real secret, not a change-me placeholder"
            )


# --- rendering by docker-compose ----------------------------------------------------------------------------


def start_compose_config(env_file: Path, cwd: Path) -> subprocess.Popen[str]:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail(
            "the docker-compose binary is missing: install the Debian package docker-compose "
            "(the project's install script does) to validate docker-compose.yml"
        )
    return subprocess.Popen(
        [binary, "-f", str(COMPOSE_FILE), "--env-file", str(env_file), "config", "-q"],
        cwd=cwd,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(cwd)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_docker_compose_config_renders(tmp_path):
    complete = tmp_path / "complete.env"
    shutil.copyfile(ENV_EXAMPLE, complete)
    # the same values without a required secret: rendering must fail
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    without_secret = tmp_path / "without-secret.env"
    without_secret.write_text(
        "\n".join(line for line in lines if not line.startswith("CKAN_SECRET_KEY=")) + "\n"
    )

    # both renderings run at once: each costs about a second of interpreter start-up
    good, bad = start_compose_config(complete, tmp_path), start_compose_config(without_secret, tmp_path)
    _, good_err = good.communicate(timeout=60)
    _, bad_err = bad.communicate(timeout=60)

    assert good.returncode == 0, f"docker-compose config failed:\n{good_err}"
    assert bad.returncode != 0, "docker-compose config rendered without CKAN_SECRET_KEY"
    assert "CKAN_SECRET_KEY" in bad_err


# --- nginx: rate limits -------------------------------------------------------------------------------------

NGINX_TEMPLATE = ROOT / "docker" / "nginx" / "templates" / "default.conf.template"
NGINX_TOKEN = re.compile(r"""#[^\n]*|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[{};]|[^\s{};'"#]+""")


def parse_nginx(text: str) -> list[tuple[list[str], list | None]]:
    """An nginx config as a tree: (directive and arguments, the block's children or None), comments dropped."""

    def block(tokens: Iterator[str], closing: bool) -> list[tuple[list[str], list | None]]:
        out, words = [], []
        for token in tokens:
            if token.startswith("#"):
                continue
            if token == ";":
                out.append((words, None))
                words = []
            elif token == "{":
                out.append((words, block(tokens, True)))
                words = []
            elif token == "}":
                assert closing and not words, f"unbalanced '}}' after {words}"
                return out
            else:
                words.append(token)
        assert not closing and not words, "unterminated block or directive"
        return out

    return block(iter(NGINX_TOKEN.findall(text)), False)


def _directives(tree, name: str) -> list[list[str]]:
    return [words[1:] for words, _ in tree if words and words[0] == name]


def test_nginx_limits_the_rate_of_every_location_that_reaches_ckan():
    # Rendered as the nginx image renders it (envsubst), with .env.example's values; conf.d is the http context.
    env = load_env_example()
    text = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], NGINX_TEMPLATE.read_text(encoding="utf-8"))
    http = parse_nginx(text)
    zones = {}
    for args in _directives(http, "limit_req_zone"):
        assert args[0] == "$binary_remote_addr", args
        name, _size = next(a for a in args if a.startswith("zone=")).removeprefix("zone=").split(":")
        zones[name] = float(
            next(a for a in args if a.startswith("rate=")).removeprefix("rate=").removesuffix("r/s")
        )
    assert zones["tangerang_search"] < zones["tangerang_api"] < zones["tangerang_pages"]
    assert _directives(http, "limit_req_status") == [["429"]]
    # The client's address behind the edge proxy, not the proxy's own.
    assert _directives(http, "set_real_ip_from") == [[env["NGINX_REAL_IP_FROM"]]]
    assert _directives(http, "real_ip_header") == [["X-Forwarded-For"]]

    (server,) = [children for words, children in http if words == ["server"]]
    locations = {" ".join(words[1:]): children for words, children in server if words[:1] == ["location"]}
    limited = {}
    for where, children in locations.items():
        if _directives(children, "proxy_pass"):
            (limit,) = _directives(children, "limit_req")
            zone = limit[0].removeprefix("zone=")
            assert zone in zones, where
            assert any(a.startswith("burst=") for a in limit), where
            limited[where] = zone
    assert set(limited) == {w for w in locations if w != "= /nginx-health" and not w.startswith("@")}
    # Which zone a request lands in: nginx's choice of location (regex first, unless a ^~ prefix matched).
    regexes = [(re.compile(w.split(" ", 1)[1]), z) for w, z in limited.items() if w.startswith("~ ")]

    def zone_of(path: str) -> str:
        prefixes = [(w, z) for w, z in limited.items() if not w.startswith("~")]
        best = max(
            ((w, z) for w, z in prefixes if path.startswith(w.removeprefix("^~ "))),
            key=lambda wz: len(wz[0].removeprefix("^~ ")),
        )
        if best[0].startswith("^~ "):
            return best[1]
        return next((z for pattern, z in regexes if pattern.search(path)), best[1])

    assert zone_of("/api/3/action/package_search") == "tangerang_search"
    assert zone_of("/api/action/package_search") == "tangerang_search"
    assert zone_of("/api/3/action/datastore_search") == "tangerang_search"
    assert zone_of("/api/3/action/datastore_search_sql") == "tangerang_search"
    assert zone_of("/datastore/dump/abc") == "tangerang_search"
    assert zone_of("/dataset/abc/resource/r-1/unduh.xlsx") == "tangerang_search"
    assert zone_of("/dataset/abc/resource/r-1/download/data.csv") == "tangerang_pages"
    assert zone_of("/api/3/action/package_show") == "tangerang_api"
    assert zone_of("/dataset/abc") == "tangerang_pages"
    # Over the limit: a short body, JSON for the API and HTML for pages, with the 429 status.
    assert _directives(server, "error_page") == [["429", "@too_many_pages"]]
    for where in ("~ ^/api/(?:\\d+/)?action/(?:package_search|datastore_)", "/api/"):
        assert _directives(locations[where], "error_page") == [["429", "@too_many_api"]], where
    api_body = _directives(locations["@too_many_api"], "return")[0]
    assert api_body[0] == "429" and '"success": false' in api_body[1]
    assert _directives(locations["@too_many_api"], "default_type") == [["application/json"]]
    assert _directives(locations["@too_many_pages"], "return")[0][0] == "429"
