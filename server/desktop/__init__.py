"""The office PC's window: `python run.py desktop`, or `luot-desktop` (a GUI entry point: no console on Windows)."""


def main(argv=None):
    """`luot-desktop [--host H] [--port P] [--data-dir DIR]`."""
    import argparse
    import sys
    parser = argparse.ArgumentParser(prog='luot-desktop', description='Lượt: cửa sổ máy chủ / the server window')
    add_options(parser)
    args = parser.parse_args(argv)
    from server.desktop.app import run
    sys.exit(run(args.desktop_host or '0.0.0.0', args.desktop_port or 5000, args.desktop_data_dir))


def add_options(parser):
    """The window's options, for run.py's `desktop` and for luot-desktop."""
    parser.add_argument('--host', dest='desktop_host', default=None, metavar='HOST',
                        help='address to listen on (default 0.0.0.0: the whole LAN)')
    parser.add_argument('--port', dest='desktop_port', type=int, default=None, metavar='PORT',
                        help='port (default 5000)')
    parser.add_argument('--data-dir', dest='desktop_data_dir', default=None, metavar='DIR',
                        help='folder of the database and settings')
