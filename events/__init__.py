"""The event log every Coordonare service stands on.

- ``store``: eventsourcing on SQLAlchemy, every stored event hash-chained;
- ``relay``: the transactional outbox, store -> RabbitMQ as CloudEvents;
- ``subscribe``: idempotent, ordered consumption of another service's events;
- ``contracts``: the JSON Schemas in ``contracts/`` that every message obeys;
- ``vocabulary``: every enumerated name, defined once; the schemas refer to it;
- ``verify``: the auditor's tamper check over a store.
"""
