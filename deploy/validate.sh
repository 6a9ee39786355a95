#!/usr/bin/env bash
# Validates the deployment files offline (no Docker engine, no Kubernetes cluster needed):
#   - docker-compose.yml with `docker-compose config -q`: the CPU default, the GPU variant
#     (--env-file deploy/gpu.env) and a restore from a savepoint (SEQREC_RESTORE_ARGS);
#   - the resolved compose files: the job command, volumes, Flink properties and topic script agree;
#   - deploy/k8s/flinkdeployment.yaml: apiVersion/kind, application mode with the job jar, savepoint
#     upgrades, a GPU request for TaskManagers, string-valued flinkConfiguration;
#   - every --option given to the job (compose command and k8s args) is a key of README.md's
#     Configuration table;
#   - deploy/prometheus/prometheus.yml scrapes the JobManager and the TaskManagers on the reporter port;
#     `promtool check config` accepts it and the alert rules it loads, and `promtool test rules` runs
#     deploy/prometheus/alerts.test.yml; every alert has a severity, a summary and a description, the
#     sections of docs/operations.md that alerts cite exist, and every ErrorKind of the DeadLetter schema
#     has its dead-letter recording rule;
#   - deploy/grafana: the dashboard JSON's structure (ids, layout, datasource, queries, variables) and
#     its provisioning as the Compose file mounts it;
#   - health checks: Compose for the JobManager and TaskManagers (Flink REST), the FlinkDeployment's probes;
#   - deploy/k8s/kafka-topics.yaml: a Strimzi KafkaTopic for each of the job's topics (the README's default
#     names), one Kafka cluster, candidate-pool on one partition, the keyed topics on at least as many
#     partitions as the FlinkDeployment's parallelism, min.insync.replicas below the replicas, size-based
#     retention (sequence-features above all).
# Whether the metrics that the rules and the dashboard query exist is checked against a running job by
# PrometheusMetricsITCase (Java tests).
# Installs docker-compose, python3-yaml and prometheus (for promtool; Debian) when missing and run as
# root, else names them and stops. Prints one summary line; exits non-zero on any problem.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=/usr/bin/python3

need_pkg() { # command-or-module-check package
  if eval "$1" >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[validate] installing Debian package $2" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
    eval "$1" >/dev/null 2>&1 && return 0
  fi
  echo "[validate] FAILED: $2 is missing (apt-get install $2 as root)" >&2
  exit 1
}
need_pkg "command -v docker-compose" docker-compose
need_pkg "$PY -c 'import yaml'" python3-yaml
need_pkg "command -v promtool" prometheus

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Resolve each compose variant; `config` validates the file against the compose schema and
# interpolates variables. The restore variant checks that Flink's options keep parsing before the job's.
compose() { # name, then env assignments
  local name=$1; shift
  if ! env -u COMPOSE_PROFILES -u COMPOSE_FILE "$@" docker-compose -f docker-compose.yml config -q 2>"$work/$name.err"; then
    echo "[validate] FAILED: docker-compose config ($name):" >&2; cat "$work/$name.err" >&2; exit 1
  fi
  env -u COMPOSE_PROFILES -u COMPOSE_FILE "$@" docker-compose -f docker-compose.yml config >"$work/$name.yml" 2>/dev/null
}
compose cpu
compose restore SEQREC_RESTORE_ARGS="--fromSavepoint file:///flink-data/savepoints/savepoint-000000-000000000000"
# --env-file is a global option of docker-compose; run it explicitly for the GPU variant.
if ! env -u COMPOSE_PROFILES docker-compose --env-file deploy/gpu.env -f docker-compose.yml config -q 2>"$work/gpu.err"; then
  echo "[validate] FAILED: docker-compose config (gpu):" >&2; cat "$work/gpu.err" >&2; exit 1
fi
env -u COMPOSE_PROFILES docker-compose --env-file deploy/gpu.env -f docker-compose.yml config >"$work/gpu.yml" 2>/dev/null

# The rules as Prometheus loads them (through the scrape config), and their unit tests.
for step in "check config deploy/prometheus/prometheus.yml" "test rules deploy/prometheus/alerts.test.yml"; do
  # shellcheck disable=SC2086
  if ! promtool $step >"$work/promtool.out" 2>&1; then
    echo "[validate] FAILED: promtool $step:" >&2; cat "$work/promtool.out" >&2; exit 1
  fi
done

compose_version="$(docker-compose version --short 2>/dev/null || echo '?')"
exec "$PY" - "$work" "$compose_version" <<'PYEOF'
import json, os, re, shlex, sys
import yaml

work, compose_version = sys.argv[1], sys.argv[2]
problems = []
def check(cond, msg):
    if not cond:
        problems.append(msg)
    return cond

# --- README Configuration table: rows "| `key` | ..."
readme = open("README.md", encoding="utf-8").read()
section = re.search(r"^## Configuration\s*$(.*?)(?=^## )", readme, re.S | re.M)
table = section.group(1) if section else readme
keys = set(re.findall(r"^\|\s*`([a-z0-9][a-z0-9.\-]*)`\s*\|", table, re.M))
check(len(keys) >= 10, f"README.md Configuration table: found only {len(keys)} option keys")

def check_job_args(where, args):
    """args: the job's own arguments. Returns the options seen as {key: value}."""
    seen = {}
    i = 0
    while i < len(args):
        tok = args[i]
        if not tok.startswith("--"):
            problems.append(f"{where}: stray argument {tok!r} (expected --key value)")
            i += 1
            continue
        if "=" in tok:
            key, value = tok[2:].split("=", 1)
            i += 1
        else:
            key = tok[2:]
            value = args[i + 1] if i + 1 < len(args) else None
            i += 2
        check(value is not None and not str(value).startswith("--"), f"{where}: --{key} has no value")
        check(key in keys or key.startswith("kafka.client."),
              f"{where}: --{key} is not an option in README.md's Configuration table")
        check(key not in seen, f"{where}: --{key} given twice")
        seen[key] = value
    for required in ("kafka.bootstrap-servers", "scoring.model-path", "scoring.device", "checkpoint.dir"):
        check(required in seen, f"{where}: --{required} is not set")
    return seen

# Flink's standalone-job options (StandaloneApplicationClusterConfigurationParserFactory), with whether
# they take a value; they must come before the job's arguments.
FLINK_OPTS = {"--job-classname": True, "-j": True, "--job-id": True, "-jid": True,
              "--fromSavepoint": True, "-s": True, "--allowNonRestoredState": False, "-n": False,
              "--restoreMode": True, "--jars": True, "--configDir": True, "-c": True,
              "--webui-port": True, "-r": True, "--host": True, "-h": True}

def props(env):
    out = {}
    for line in (env or {}).get("FLINK_PROPERTIES", "").splitlines():
        line = line.strip()
        if not line:
            continue
        if not check(":" in line and not line.startswith("#"), f"FLINK_PROPERTIES line {line!r} is not 'key: value'"):
            continue
        k, v = line.split(":", 1)
        out[k.strip()] = v.strip()
    return out

models = {f for f in os.listdir("model-export/models") if f.endswith(".onnx")}
n_args = 0
for variant in ("cpu", "restore", "gpu"):
    doc = yaml.safe_load(open(os.path.join(work, variant + ".yml")))
    services = doc.get("services", {})
    where = f"docker-compose.yml [{variant}]"
    missing = [n for n in ("kafka", "topics", "jobmanager", "taskmanager", "taskmanager-gpu", "prometheus")
               if n not in services]
    if not check(not missing, f"{where}: no service(s) {', '.join(missing)}"):
        continue
    jm, tm, gpu = services["jobmanager"], services["taskmanager"], services["taskmanager-gpu"]
    cmd = jm.get("command")
    cmd = shlex.split(cmd) if isinstance(cmd, str) else list(cmd or [])
    check(cmd[:1] == ["standalone-job"], f"{where}: jobmanager command must start with standalone-job")
    i, flink_opts = 1, {}
    while i < len(cmd) and (cmd[i] in FLINK_OPTS or cmd[i].startswith("-D")):
        if cmd[i] in FLINK_OPTS and FLINK_OPTS[cmd[i]]:
            flink_opts[cmd[i]] = cmd[i + 1] if i + 1 < len(cmd) else None
            i += 2
        else:
            flink_opts[cmd[i]] = True
            i += 1
    check(flink_opts.get("--job-classname") == "org.seqrec.job.SequenceJob",
          f"{where}: --job-classname must be org.seqrec.job.SequenceJob")
    if variant == "restore":
        check("--fromSavepoint" in flink_opts, f"{where}: SEQREC_RESTORE_ARGS did not reach Flink's options")
    seen = check_job_args(f"{where} jobmanager command", cmd[i:])
    n_args += 1
    # The model path must be the read-only models mount, and name a shipped model.
    mp = seen.get("scoring.model-path") or ""
    check(mp.startswith("/opt/seqrec/models/") and os.path.basename(mp) in models,
          f"{where}: --scoring.model-path {mp!r} is not a model in model-export/models mounted at /opt/seqrec/models")
    expected_device = "cuda" if variant == "gpu" else "cpu"
    check(seen.get("scoring.device") == expected_device, f"{where}: --scoring.device should be {expected_device}")
    for svc_name in ("jobmanager", "taskmanager", "taskmanager-gpu"):
        svc = services[svc_name]
        vols = [v if isinstance(v, str) else f"{v.get('source')}:{v.get('target')}" for v in svc.get("volumes", [])]
        check(any(v.endswith("model-export/models:/opt/seqrec/models:ro") for v in vols),
              f"{where}: {svc_name} does not mount model-export/models read-only at /opt/seqrec/models")
        check(any(v.startswith("flink-data:/flink-data") for v in vols),
              f"{where}: {svc_name} does not mount the shared flink-data volume")
        p = props(svc.get("environment"))
        check(p.get("state.backend.type") == "rocksdb", f"{where}: {svc_name}: state.backend.type is not rocksdb")
        check(p.get("execution.checkpointing.dir") == seen.get("checkpoint.dir"),
              f"{where}: {svc_name}: execution.checkpointing.dir differs from the job's --checkpoint.dir")
        check(bool(p.get("execution.checkpointing.savepoint-dir")), f"{where}: {svc_name}: no savepoint dir")
        check(p.get("metrics.reporter.prom.factory.class") == "org.apache.flink.metrics.prometheus.PrometheusReporterFactory"
              and p.get("metrics.reporter.prom.port") == "9249", f"{where}: {svc_name}: Prometheus reporter not on 9249")
        check(svc.get("build", {}).get("dockerfile") == "deploy/flink/Dockerfile",
              f"{where}: {svc_name} is not built from deploy/flink/Dockerfile")
        health = " ".join(((svc.get("healthcheck") or {}).get("test")) or [])
        check("8081" in health, f"{where}: {svc_name} has no health check on Flink's REST API (port 8081)")
    check("RUNNING" in " ".join(jm["healthcheck"]["test"]), f"{where}: the JobManager's health check does not ask for a RUNNING job")
    prom_svc, grafana = services.get("prometheus", {}), services.get("grafana")
    prom_vols = [v if isinstance(v, str) else f"{v.get('source')}:{v.get('target')}" for v in prom_svc.get("volumes", [])]
    for f in ("prometheus.yml", "alerts.yml"):
        check(any(v.endswith(f"deploy/prometheus/{f}:/etc/prometheus/{f}:ro") for v in prom_vols),
              f"{where}: prometheus does not mount deploy/prometheus/{f} at /etc/prometheus/{f}")
    if check(grafana is not None, f"{where}: no grafana service"):
        gvols = [v if isinstance(v, str) else f"{v.get('source')}:{v.get('target')}" for v in grafana.get("volumes", [])]
        grafana_mounts = {v.split(":")[1]: v.split(":")[0] for v in gvols}
        check(any(src.endswith("deploy/grafana/provisioning") for t, src in grafana_mounts.items() if t == "/etc/grafana/provisioning"),
              f"{where}: grafana does not mount deploy/grafana/provisioning at /etc/grafana/provisioning")
    check(gpu.get("build", {}).get("args", {}).get("VARIANT") == "gpu", f"{where}: taskmanager-gpu is not the gpu variant")
    check("gpu" in (gpu.get("profiles") or []), f"{where}: taskmanager-gpu is not in the gpu profile")
    devices = (((gpu.get("deploy") or {}).get("resources") or {}).get("reservations") or {}).get("devices") or []
    check(any("gpu" in (d.get("capabilities") or []) for d in devices), f"{where}: taskmanager-gpu reserves no GPU")
    replicas = str(((tm.get("deploy") or {}).get("replicas")))
    check(replicas == ("0" if variant == "gpu" else "1"), f"{where}: CPU taskmanager replicas is {replicas}")
    kenv = services["kafka"].get("environment", {})
    for k in ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
              "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"):
        check(str(kenv.get(k)) == "1", f"{where}: kafka {k} must be 1 on a single broker")
    check(int(kenv.get("KAFKA_TRANSACTION_MAX_TIMEOUT_MS", 900000)) > 600000,
          f"{where}: broker transaction.max.timeout.ms must exceed the job's 10 min sink.transaction-timeout")
    check(jm.get("depends_on", {}).get("topics", {}).get("condition") == "service_completed_successfully",
          f"{where}: the job does not wait for topic creation")

# --- topic script creates every topic the job uses
script = open("deploy/kafka/create-topics.sh").read()
for topic in ("interactions", "rank-requests", "candidate-pool", "sequence-features", "recommendations", "dead-letters"):
    check(re.search(rf"\b{re.escape(topic)}\b", script), f"deploy/kafka/create-topics.sh does not create {topic}")

# --- Dockerfile puts the jar where the manifests expect it
dockerfile = open("deploy/flink/Dockerfile").read()
check("/opt/flink/usrlib/seqrec-job.jar" in dockerfile, "Dockerfile does not install /opt/flink/usrlib/seqrec-job.jar")
check(re.search(r"onnxruntime.*1\.29\.0|ORT_VERSION=1\.29\.0", dockerfile), "Dockerfile does not add ONNX Runtime 1.29.0")

# --- Kubernetes FlinkDeployment
where = "deploy/k8s/flinkdeployment.yaml"
docs = [d for d in yaml.safe_load_all(open(where)) if d]
fd = next((d for d in docs if d.get("kind") == "FlinkDeployment"), None)
gpus = 0
if check(fd is not None, f"{where}: no FlinkDeployment"):
    check(fd.get("apiVersion") == "flink.apache.org/v1beta1", f"{where}: apiVersion is not flink.apache.org/v1beta1")
    spec = fd.get("spec") or {}
    check(re.fullmatch(r"v\d+_\d+", str(spec.get("flinkVersion", ""))) is not None and spec.get("flinkVersion") == "v2_2",
          f"{where}: flinkVersion should be v2_2")
    check(spec.get("mode", "native") in ("native", "standalone"), f"{where}: mode must be native or standalone")
    job = spec.get("job") or {}
    check(job.get("jarURI") == "local:///opt/flink/usrlib/seqrec-job.jar", f"{where}: spec.job.jarURI")
    check(job.get("upgradeMode") == "savepoint", f"{where}: spec.job.upgradeMode must be savepoint")
    check(job.get("entryClass", "org.seqrec.job.SequenceJob") == "org.seqrec.job.SequenceJob", f"{where}: entryClass")
    args = [str(a) for a in (job.get("args") or [])]
    seen = check_job_args(f"{where} spec.job.args", args)
    n_args += 1
    check(seen.get("scoring.device") == "cuda", f"{where}: GPU TaskManagers should run --scoring.device cuda")
    mp = seen.get("scoring.model-path") or ""
    check(mp.startswith("/opt/seqrec/models/") and os.path.basename(mp) in models,
          f"{where}: --scoring.model-path {mp!r} is not a model the image ships")
    conf = spec.get("flinkConfiguration") or {}
    for k, v in conf.items():
        check(isinstance(v, str), f"{where}: flinkConfiguration {k} must be a string (got {type(v).__name__})")
    check(conf.get("state.backend.type") == "rocksdb", f"{where}: state.backend.type is not rocksdb")
    check(bool(conf.get("execution.checkpointing.savepoint-dir")), f"{where}: savepoint upgrades need execution.checkpointing.savepoint-dir")
    check(conf.get("execution.checkpointing.dir") == seen.get("checkpoint.dir"),
          f"{where}: execution.checkpointing.dir differs from --checkpoint.dir")
    tm_pod = ((spec.get("taskManager") or {}).get("podTemplate") or {}).get("spec") or {}
    for c in tm_pod.get("containers") or []:
        if c.get("name") == "flink-main-container":
            res = c.get("resources") or {}
            for part in ("limits", "requests"):
                try:
                    gpus = max(gpus, int((res.get(part) or {}).get("nvidia.com/gpu", 0)))
                except (TypeError, ValueError):
                    problems.append(f"{where}: nvidia.com/gpu {part} is not a number")
    check(gpus >= 1, f"{where}: TaskManager podTemplate (flink-main-container) requests no nvidia.com/gpu")
    check((spec.get("taskManager") or {}).get("resource"), f"{where}: taskManager.resource is missing")
    for role, port in (("jobManager", 8081), ("taskManager", "metrics")):
        pod = ((spec.get(role) or {}).get("podTemplate") or {}).get("spec") or {}
        main = next((c for c in pod.get("containers") or [] if c.get("name") == "flink-main-container"), {})
        probe = ((main.get("livenessProbe") or {}).get("httpGet") or {})
        check(probe.get("port") == port, f"{where}: {role} has no livenessProbe on port {port}")
    check((spec.get("jobManager") or {}).get("resource"), f"{where}: jobManager.resource is missing")

# --- Prometheus scrape config
prom = yaml.safe_load(open("deploy/prometheus/prometheus.yml"))
text = yaml.safe_dump(prom)
check("jobmanager:9249" in text, "prometheus.yml does not scrape jobmanager:9249")
check(re.search(r"taskmanager", text) and "9249" in text, "prometheus.yml does not scrape the TaskManagers on 9249")

# --- Strimzi KafkaTopic resources
where = "deploy/k8s/kafka-topics.yaml"
topic_docs = [d for d in yaml.safe_load_all(open(where)) if d]
default_topics = dict(re.findall(r"^\|\s*`(topic\.[a-z\-]+)`\s*\|\s*`([a-z\-]+)`", table, re.M))
check(len(default_topics) == 6, f"README.md: expected 6 topic.* options with defaults, found {sorted(default_topics)}")
kafka_topics = {}
for d in topic_docs:
    name = (d.get("spec") or {}).get("topicName") or (d.get("metadata") or {}).get("name")
    check(d.get("apiVersion") == "kafka.strimzi.io/v1beta2" and d.get("kind") == "KafkaTopic",
          f"{where}: {name}: not a kafka.strimzi.io/v1beta2 KafkaTopic")
    kafka_topics[name] = d
clusters = {((d.get("metadata") or {}).get("labels") or {}).get("strimzi.io/cluster") for d in topic_docs}
check(len(clusters) == 1 and None not in clusters, f"{where}: every KafkaTopic needs the same strimzi.io/cluster label, got {clusters}")
parallelism = int(((fd or {}).get("spec") or {}).get("job", {}).get("parallelism") or 1)
for option, topic in default_topics.items():
    d = kafka_topics.get(topic)
    if not check(d is not None, f"{where}: no KafkaTopic for {topic} ({option})"):
        continue
    spec = d.get("spec") or {}
    conf = spec.get("config") or {}
    partitions, replicas = spec.get("partitions"), spec.get("replicas")
    if not check(isinstance(partitions, int) and isinstance(replicas, int) and partitions >= 1 and replicas >= 1,
                 f"{where}: {topic}: partitions and replicas must be positive integers"):
        continue
    if topic == default_topics["topic.candidates"]:
        check(partitions == 1, f"{where}: {topic} must have one partition (the pool's updates stay in order)")
    else:
        check(partitions >= parallelism, f"{where}: {topic} has {partitions} partitions, fewer than the FlinkDeployment's parallelism {parallelism}")
    check(int(conf.get("min.insync.replicas", 1)) < replicas or replicas == 1,
          f"{where}: {topic}: min.insync.replicas must be below replicas, or one broker down stops every write")
    check(str(conf.get("retention.ms")) == "-1" and int(conf.get("retention.bytes", 0)) > 0,
          f"{where}: {topic}: retention must be by size (retention.ms -1, retention.bytes set): outputs carry event-time timestamps")
features = kafka_topics.get(default_topics.get("topic.features"), {})
check(int(((features.get("spec") or {}).get("config") or {}).get("retention.bytes", 0)) >=
      max(int(((d.get("spec") or {}).get("config") or {}).get("retention.bytes", 0)) for d in topic_docs),
      f"{where}: sequence-features, the largest topic, should have the largest retention.bytes")

# --- Alert rules (promtool has checked the syntax and run the tests)
rules = [r for g in yaml.safe_load(open("deploy/prometheus/alerts.yml"))["groups"] for r in g["rules"]]
alerts = [r for r in rules if "alert" in r]
ops = open("docs/operations.md", encoding="utf-8").read()
headings = set(re.findall(r"^#+\s+(.*?)\s*$", ops, re.M))
for a in alerts:
    name = a["alert"]
    check((a.get("labels") or {}).get("severity") in ("warning", "critical"), f"alerts.yml: {name} has no severity warning|critical")
    ann = a.get("annotations") or {}
    check(ann.get("summary") and ann.get("description"), f"alerts.yml: {name} needs a summary and a description")
    for section in re.findall(r'docs/operations\.md, "([^"]+)"', ann.get("description", "")):
        check(section in headings, f"alerts.yml: {name} cites docs/operations.md section {section!r}, which does not exist")
avsc = json.load(open("schemas/src/main/avro/DeadLetter.avsc"))
kinds = next(f["type"]["symbols"] for f in avsc["fields"] if f["name"] == "error_kind")
recorded = {(r.get("labels") or {}).get("kind") for r in rules if r.get("record") == "seqrec:dead_letters:rate5m"}
for kind in kinds:
    check(kind in recorded and any(f"_deadLetters_{kind}[" in r["expr"] for r in rules if r.get("record") == "seqrec:dead_letters:rate5m"),
          f"alerts.yml: no seqrec:dead_letters:rate5m rule for ErrorKind {kind}")
check(set(recorded) <= set(kinds), f"alerts.yml: dead-letter rules for kinds the schema lacks: {sorted(set(recorded) - set(kinds))}")

# --- Grafana: provisioning as Compose mounts it, and the dashboard's structure
where = "deploy/grafana"
ds = yaml.safe_load(open("deploy/grafana/provisioning/datasources/prometheus.yml"))["datasources"]
ds_uids = {d["uid"] for d in ds if d.get("type") == "prometheus"}
check(any(d.get("url") == "http://prometheus:9090" for d in ds), f"{where}: the datasource does not point at http://prometheus:9090")
providers = yaml.safe_load(open("deploy/grafana/provisioning/dashboards/seqrec.yml"))["providers"]
check(any((p.get("options") or {}).get("path") == "/etc/grafana/dashboards" for p in providers),
      f"{where}: the dashboard provider does not read /etc/grafana/dashboards, where Compose mounts the dashboards")
n_queries = 0
for fname in sorted(os.listdir("deploy/grafana/dashboards")):
    where = f"deploy/grafana/dashboards/{fname}"
    dash = json.load(open(os.path.join("deploy/grafana/dashboards", fname)))
    check(dash.get("uid") and dash.get("title") and isinstance(dash.get("schemaVersion"), int), f"{where}: needs uid, title, schemaVersion")
    variables = {v["name"] for v in (dash.get("templating") or {}).get("list", [])}
    ids = [p.get("id") for p in dash.get("panels", [])]
    check(len(ids) == len(set(ids)) and all(isinstance(i, int) for i in ids), f"{where}: panel ids must be unique integers")
    cells = set()
    for p in dash.get("panels", []):
        title, g = p.get("title"), p.get("gridPos") or {}
        check(title, f"{where}: panel {p.get('id')} has no title")
        if not check(all(isinstance(g.get(k), int) for k in "hwxy") and g["x"] + g["w"] <= 24,
                     f"{where}: panel {title!r}: gridPos must have integer h, w, x, y within 24 columns"):
            continue
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                check((x, y) not in cells, f"{where}: panel {title!r} overlaps another at column {x}, row {y}")
                cells.add((x, y))
        if p.get("type") == "row":
            continue
        check(p.get("type") in ("timeseries", "stat", "gauge", "table", "bargauge"), f"{where}: panel {title!r} has type {p.get('type')!r}")
        check((p.get("datasource") or {}).get("uid") in ds_uids, f"{where}: panel {title!r} does not use the provisioned datasource")
        targets = p.get("targets") or []
        check(targets, f"{where}: panel {title!r} has no query")
        check(len({t.get("refId") for t in targets}) == len(targets), f"{where}: panel {title!r}: refIds must be unique")
        for t in targets:
            expr = t.get("expr") or ""
            n_queries += check(expr.strip(), f"{where}: panel {title!r} has an empty query") and 1 or 0
            for var in re.findall(r"\$(\w+)", expr):
                check(var.startswith("__") or var in variables, f"{where}: panel {title!r} uses ${var}, which is not a variable")

if problems:
    for p in problems:
        print("[validate] " + p, file=sys.stderr)
    print(f"[validate] FAILED: {len(problems)} problem(s) in the deployment files")
    sys.exit(1)
print(f"[validate] OK: docker-compose.yml valid for docker-compose {compose_version} (cpu, gpu, restore); "
      f"{n_args} job argument lists use only README options ({len(keys)} keys); "
      f"k8s FlinkDeployment {fd['metadata']['name']}: application mode, upgradeMode savepoint, "
      f"{gpus} GPU per TaskManager, probes on JobManager and TaskManagers; Prometheus scrapes JobManager and TaskManagers "
      f"with {len(alerts)} alerts (promtool: config checked, rule tests passed); Grafana dashboard: {n_queries} queries; "
      f"{len(kafka_topics)} Strimzi KafkaTopics")
PYEOF
