#!/usr/bin/env bash
# Runs every test: the Java build and tests (schemas, streaming job: unit tests and MiniCluster +
# real Kafka ITCases), the Python tests of model-export and of the benchmark plot script, and the offline
# check of the deployment files.
# Installs the Debian packages they need when missing (as root), or names them and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=/usr/bin/python3
DEBIAN_PACKAGES="python3-torch python3-onnx python3-pytest python3-hypothesis python3-numpy python3-matplotlib libopenblas0-pthread prometheus python3-confluent-kafka python3-avro zookeeper"
missing=()
for pkg in $DEBIAN_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[test] Installing Debian packages: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "[test] Missing Debian packages: ${missing[*]} (apt-get install them as root)" >&2
    exit 1
  fi
fi

mkdir -p run
echo "[test] Java: mvn -B install (unit tests and ITCases; full log in run/java-tests.log)"
set +e
mvn -B install > run/java-tests.log 2>&1
java_status=$?
grep -E "Tests run:|FAIL|BUILD|ERROR\]" run/java-tests.log

echo "[test] Python: model-export tests, benchmark plot script test"
(cd model-export && "$PY" -m pytest -q tests) && "$PY" -m pytest -q scripts/test_plot_benchmarks.py
python_status=$?

echo "[test] Deployment files: deploy/validate.sh"
deploy/validate.sh
deploy_status=$?
set -e

echo "[test] Java: $([ "$java_status" = 0 ] && echo passed || echo "FAILED (see run/java-tests.log)");" \
     "Python: $([ "$python_status" = 0 ] && echo passed || echo FAILED);" \
     "deployment files: $([ "$deploy_status" = 0 ] && echo valid || echo INVALID)"
[ "$java_status" = 0 ] && [ "$python_status" = 0 ] && [ "$deploy_status" = 0 ]
