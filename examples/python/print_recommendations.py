#!/usr/bin/env python3
"""Reads seqrec's recommendations as a downstream Python service would, and prints them as JSON lines.

Every seqrec message is Avro in the single-object encoding: the two bytes C3 01, the writer schema's
8-byte CRC-64-AVRO fingerprint (little-endian) of its Parsing Canonical Form, then the Avro binary body.
The reader below finds the writer schema by that fingerprint among the published versions of the record
(schemas/src/main/resources/org/seqrec/schemas/history/<Record>/v<k>.avsc) and resolves the body to the
newest version. It reads with isolation.level=read_committed, so it sees only what the job committed at a
completed checkpoint, each record once.

    python3 examples/python/print_recommendations.py --bootstrap localhost:19092 --max 5

Needs Debian's python3-confluent-kafka and python3-avro. Secured clusters: --config client.properties,
a file of librdkafka settings (security.protocol=SASL_SSL, sasl.mechanism=..., sasl.username=...).
"""
import argparse
import base64
import datetime
import io
import json
import pathlib
import struct
import sys

import avro.io
import avro.schema
from confluent_kafka import Consumer, KafkaError, TopicPartition

HISTORY = pathlib.Path(__file__).resolve().parents[2] / "schemas/src/main/resources/org/seqrec/schemas/history"
MAGIC = b"\xc3\x01"

# Avro specification, "Schema Fingerprints": the 64-bit Rabin fingerprint with this empty value.
CRC64_EMPTY = 0xC15D213AA4D7A795
CRC64_TABLE = []
for byte in range(256):
    fp = byte
    for _ in range(8):
        fp = (fp >> 1) ^ (CRC64_EMPTY & -(fp & 1))
    CRC64_TABLE.append(fp)


def crc64_avro(data: bytes) -> int:
    fp = CRC64_EMPTY
    for byte in data:
        fp = (fp >> 8) ^ CRC64_TABLE[(fp ^ byte) & 0xFF]
    return fp


PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
KEPT = ("name", "type", "fields", "symbols", "items", "values", "size")


def canonical(schema, namespace=None, defined=None):
    """The schema's Parsing Canonical Form (Avro specification), as a JSON-ready value."""
    defined = set() if defined is None else defined
    if isinstance(schema, str):
        if schema in PRIMITIVES:
            return schema
        return schema if "." in schema or namespace is None else f"{namespace}.{schema}"
    if isinstance(schema, list):
        return [canonical(branch, namespace, defined) for branch in schema]
    kind = schema["type"]
    if kind in PRIMITIVES:
        return kind
    if kind not in ("record", "enum", "fixed", "array", "map"):
        return canonical(kind, namespace, defined)
    out = {}
    if "name" in schema:
        name = schema["name"]
        if "." not in name:
            namespace = schema.get("namespace", namespace)
            name = f"{namespace}.{name}" if namespace else name
        else:
            namespace = name.rsplit(".", 1)[0]
        if name in defined:
            return name
        defined.add(name)
        out["name"] = name
    out["type"] = kind
    if kind == "record":
        out["fields"] = [{"name": f["name"], "type": canonical(f["type"], namespace, defined)}
                         for f in schema["fields"]]
    elif kind == "enum":
        out["symbols"] = schema["symbols"]
    elif kind == "array":
        out["items"] = canonical(schema["items"], namespace, defined)
    elif kind == "map":
        out["values"] = canonical(schema["values"], namespace, defined)
    elif kind == "fixed":
        out["size"] = schema["size"]
    return {k: out[k] for k in KEPT if k in out}


def fingerprint(schema_json) -> int:
    text = json.dumps(canonical(schema_json), separators=(",", ":"))
    return crc64_avro(text.encode("utf-8"))


def load_versions(record: str):
    """Writer schemas by fingerprint, and the newest version as the reader schema."""
    files = sorted((HISTORY / record).glob("v*.avsc"), key=lambda p: int(p.stem[1:]))
    if not files:
        sys.exit(f"no published schema versions in {HISTORY / record}")
    writers = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        writers[fingerprint(json.loads(text))] = avro.schema.parse(text)
    return writers, avro.schema.parse(files[-1].read_text(encoding="utf-8"))


def decode(value: bytes, writers, reader):
    if len(value) < 10 or value[:2] != MAGIC:
        raise ValueError("not Avro single-object encoded")
    (fp,) = struct.unpack("<q", value[2:10])
    writer = writers.get(fp & 0xFFFFFFFFFFFFFFFF)
    if writer is None:
        raise ValueError(f"unknown schema fingerprint {fp & 0xFFFFFFFFFFFFFFFF:016x}")
    return avro.io.DatumReader(writer, reader).read(avro.io.BinaryDecoder(io.BytesIO(value[10:])))


def as_json(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot print {type(value).__name__}")


def client_settings(path):
    settings = {}
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings[key.strip()] = value.strip()
    return settings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default="localhost:9092")
    parser.add_argument("--topic", default="recommendations")
    parser.add_argument("--record", default="Recommendation", help="record name of the topic's schema")
    parser.add_argument("--group", default=None, help="consumer group; none: read from the start, commit nothing")
    parser.add_argument("--max", type=int, default=0, help="stop after this many records (0: run until stopped)")
    parser.add_argument("--idle-timeout", type=float, default=0,
                        help="stop after this many seconds without a record (0: never)")
    parser.add_argument("--config", help="librdkafka settings file (security and the like)")
    args = parser.parse_args()

    writers, reader = load_versions(args.record)
    settings = {"bootstrap.servers": args.bootstrap, "isolation.level": "read_committed",
                "enable.auto.commit": args.group is not None, "auto.offset.reset": "earliest",
                "group.id": args.group or "seqrec-example-reader"}
    if args.config:
        settings.update(client_settings(args.config))
    consumer = Consumer(settings)
    if args.group is None:
        partitions = consumer.list_topics(args.topic, timeout=30).topics[args.topic].partitions
        consumer.assign([TopicPartition(args.topic, p, 0) for p in sorted(partitions)])
    else:
        consumer.subscribe([args.topic])

    printed, idle = 0, 0.0
    try:
        while args.max == 0 or printed < args.max:
            message = consumer.poll(1.0)
            if message is None:
                idle += 1.0
                if args.idle_timeout and idle >= args.idle_timeout:
                    break
                continue
            idle = 0.0
            if message.error():
                if message.error().code() == KafkaError._PARTITION_EOF:
                    continue
                sys.exit(f"Kafka error: {message.error()}")
            line = {"topic": message.topic(), "partition": message.partition(), "offset": message.offset(),
                    "key": message.key().decode("utf-8") if message.key() is not None else None}
            try:
                line["value"] = decode(message.value(), writers, reader)
            except ValueError as problem:
                line["error"] = str(problem)
            print(json.dumps(line, default=as_json), flush=True)
            printed += 1
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
