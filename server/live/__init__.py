"""Live updates: the only emitter (events), the fan-out to sockets, the message queue between processes."""
