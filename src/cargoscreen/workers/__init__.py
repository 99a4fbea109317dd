"""Background workers: long-running listeners and tasks (the MQTT sensor listener)."""
