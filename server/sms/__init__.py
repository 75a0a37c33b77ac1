"""SMS: reading booking messages, composing texts, and the transports that carry them."""
