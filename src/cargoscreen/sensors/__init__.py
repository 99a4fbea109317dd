"""Journey and quay sensors: e-seals, trackers, e-noses and cameras.

Payload models and topics (``payloads``, ``topics``, ``decode``, JSON Schemas in ``schemas/``), and the
streaming analytics that turn readings into :class:`~cargoscreen.sensors.signals.SensorSignal`: journey
checks (``seals``), the e-nose marker classifier (``enose``), gate and intrusion logic (``quay``), and the
one-container lane update of today's selection (``lanes``). Nothing here talks to a broker or a database.
"""
