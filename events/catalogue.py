"""Generates ``docs/events.md`` from ``contracts/``: everything an outside
team needs to subscribe, without reading our code. ``make catalogue``."""

from __future__ import annotations

from typing import Any

from events.config import DEFAULT_EXCHANGE
from events.contracts import event_schema_path, published_event_types, resolved

HEADER = f"""# Coordonare event catalogue

_Generated from `contracts/` by `make catalogue`; do not edit by hand._

## How to subscribe

- **Broker**: RabbitMQ (AMQP 0-9-1). Exchange **`{DEFAULT_EXCHANGE}`**, type
  `topic`, durable. Declare it (same arguments) and bind your own durable
  queue to it.
- **Routing key** = the event `type`, e.g.
  `ro.coordonare.coordination.StaffRegistered.v1`. Bind
  `ro.coordonare.coordination.#` for everything of one service, or one type.
- **Message**: a CloudEvents 1.0 event in *structured JSON mode*: content type
  `application/cloudevents+json`, persistent, `message_id` = event `id`. The
  body is the JSON envelope below; `data` follows the type's schema.
- **Order and duplicates**: events of one service are published in the order
  they were stored (`position` increases strictly per `source`), so events of
  one `subject` arrive in order on one queue. Delivery is at-least-once: the
  same event may arrive again with the same `id` and `position`; record the
  last `position` per `source` with your effect and skip what you have seen.
- **Personal data**: events carry ids, codes and categories only. Names,
  contact data and descriptions stay in the owning service.

Minimal subscriber (Python, `kombu` only):

```python
import json, kombu
exchange = kombu.Exchange("{DEFAULT_EXCHANGE}", "topic", durable=True)
queue = kombu.Queue("my-system.staff", exchange,
                    routing_key="ro.coordonare.coordination.#", durable=True)
# the account and vhost the county's broker team gave your system
with kombu.Connection("amqps://my-system:PASSWORD@broker.example.ro:5671/coordonare") as conn:
    def on_message(message):
        event = json.loads(message.body)
        print(event["type"], event["position"], event["data"])
        message.ack()
    with conn.Consumer(queue, on_message=on_message):
        while True:
            conn.drain_events()
```

## Replaying the history: the streams

A queue bound to the exchange gets what is published after it exists. The
history is in a **stream** per service, `coordonare.<service>.log` (a
RabbitMQ stream, `x-queue-type: stream`): every event the service ever
published, in the order published, kept for as long as the county's
retention says (by default, all). Read it from the start, from an offset or
from a time with the consumer argument `x-stream-offset` (`"first"`, a
number, or a timestamp), with a prefetch and acknowledgements, without
declaring it:

```python
import json, kombu
with kombu.Connection("amqps://my-system:PASSWORD@broker.example.ro:5671/coordonare") as conn:
    channel = conn.channel()
    channel.basic_qos(0, 100, False)              # a stream is read with a prefetch
    history = kombu.Queue("coordonare.coordination.log", no_declare=True,
                          consumer_arguments={{"x-stream-offset": "first"}})
    seen = 0                                      # the last position you recorded
    def on_message(message):
        global seen
        event = json.loads(message.body)
        if event["position"] > seen:              # a batch may come twice: skip it
            print(event["type"], event["position"], message.headers["x-stream-offset"])
            seen = event["position"]
        message.ack()
    with kombu.Consumer(channel, queues=[history], on_message=on_message):
        while True:                               # the history, then the live events
            conn.drain_events()
```

Offsets are the stream's, positions ours: an internal event is never
published, and a batch published again after a crash repeats positions, so
skip by `position`. To start at one of our positions, find its offset
(`events.stream.offset_at`: a binary search, about 20 reads for a million
events) and skip what is below it. Your account needs read permission on
the stream; ask the county's broker team.

## The stored log, for the auditor

Positions have gaps on the bus: internal events stay in the store. The
auditor reads a service's whole stored log, internal events included, in
position order with each event's chain hash, at `GET /audit/<service>/events`
of the HTTP API (filters: municipality, actor, type, since, until; paged by
`after`), and verifies the store against the service's checkpoints
(`ro.coordonare.<service>.ChainCheckpointed.v1`, on its stream) with
`POST /audit/<service>/verifications` (README, "Auditing through the API").
The feed shows each event's metadata and, for a published one, the `data`
below; never the fields that stay in the store.

The JSON Schemas are in `contracts/`: `envelope.schema.json` and
`events/<service>/<Name>.v<N>.schema.json` (draft 2020-12). Their lists of
names are in `vocabulary.schema.json` (one `$defs` entry each, referred to
with `$ref`); the tables below show them inlined.
"""


def _type_text(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return "one of " + ", ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    if "oneOf" in schema:
        return " or ".join(_type_text(s) for s in schema["oneOf"])
    kind = schema.get("type", "any")
    kind = " or ".join(kind) if isinstance(kind, list) else kind
    if kind == "array" and "items" in schema:
        return f"array of {_type_text(schema['items'])}"
    extra = schema.get("format") or schema.get("pattern")
    return f"{kind} ({extra})" if extra else kind


def _fields(schema: dict[str, Any]) -> list[str]:
    required = set(schema.get("required", []))
    rows = ["| field | type | required | meaning |", "|---|---|---|---|"]
    for name, prop in schema.get("properties", {}).items():
        rows.append(
            f"| `{name}` | {_type_text(prop)} | {'yes' if name in required else 'no'} "
            f"| {prop.get('description', '')} |"
        )
    return rows


def render() -> str:
    envelope = resolved("envelope.schema.json")
    lines = [HEADER, "## Envelope", "", envelope["description"], "", *_fields(envelope), ""]
    lines += ["## Event types", ""]
    for event_type in published_event_types():
        path = event_schema_path(event_type)
        schema = resolved(path)
        lines += [
            f"### `{event_type}`",
            "",
            schema.get("description", ""),
            "",
            f"Routing key `{event_type}` · schema `contracts/{path}`",
            "",
            *_fields(schema),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
