"""Ticket printing: layout (pure), ESC/POS bytes, transports by URI, status and the spooler.

Import what you need from the submodules; nothing here opens a device or a thread.
"""
