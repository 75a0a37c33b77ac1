"""Lượt: queue and appointment software for a ward's one-stop desk."""
from server.app import create_app  # noqa: F401  (the factory: server/app.py)


def main(argv=None):
    """The command line: run the server (its runtime started in each serving process), or `token create`."""
    from server.cli import run
    run(argv)

