"""`python run.py`: serve the office, load the demo, or create a device token."""
import argparse
import logging
import os
import signal
import sys


def _parser():
    parser = argparse.ArgumentParser(prog='run.py', description='Lượt: hàng đợi và lịch hẹn một cửa')
    parser.add_argument('--host', default='0.0.0.0', help='address to listen on (default 0.0.0.0)')
    parser.add_argument('--port', type=int, default=5000, help='port (default 5000)')
    parser.add_argument('--data-dir', default=None, help='folder of the database and settings (default ./instance)')
    parser.add_argument('--demo', action='store_true', help='load a demo ward office into an empty database')
    parser.add_argument('--workers', type=int, default=None,
                        help='serving processes (default 1, or LUOT_WORKERS); more than one needs PostgreSQL '
                             '(LUOT_DATABASE_URL) and Redis (LUOT_MESSAGE_QUEUE), on Linux')
    parser.add_argument('--certfile', default=None, help='serve HTTPS with this certificate (PEM), with --keyfile')
    parser.add_argument('--keyfile', default=None, help="the certificate's private key (PEM)")
    parser.add_argument('--version', action='version', version='Lượt %s' % _version())
    sub = parser.add_subparsers(dest='command')
    token = sub.add_parser('token', help='device and API tokens')
    token_sub = token.add_subparsers(dest='token_command', required=True)
    create = token_sub.add_parser('create', help='print a new token')
    create.add_argument('--role', required=True, choices=['admin', 'desk', 'counter', 'hotline', 'kiosk', 'display',
                                                              'gateway'])
    create.add_argument('--name', required=True)
    create.add_argument('--data-dir', dest='token_data_dir', default=None)
    from server.access.staff_command import add_parser as add_staff_parser
    add_staff_parser(sub)
    from server.desktop import add_options as add_desktop_options
    add_desktop_options(sub.add_parser('desktop', help="the office PC's window: starts the server, shows its state"))
    _add_records_commands(sub)
    return parser


def _version():
    from importlib import metadata
    try:
        return metadata.version('luot')
    except metadata.PackageNotFoundError:
        return '?'


def _add_records_commands(sub):
    backup = sub.add_parser('backup', help="a consistent copy of the office's data, while the server serves")
    backup.add_argument('--data-dir', dest='records_data_dir', default=None)
    backup.add_argument('--to', default=None, help='the file to write (default DATA_DIR/backups/luot-<time>.db)')
    restore = sub.add_parser('restore', help='put a backup in place (refused while a server serves the folder)')
    restore.add_argument('file')
    restore.add_argument('--data-dir', dest='records_data_dir', required=True)
    purge = sub.add_parser('purge', help='erase now the personal data older than personal_data_days')
    purge.add_argument('--data-dir', dest='records_data_dir', default=None)


def _create_token(args):
    from server.app import create_app
    from server.extensions import db
    from server.models import ApiToken
    config = {'SCHEDULER': False, 'PRINTING': False}
    if args.token_data_dir or args.data_dir:
        config['DATA_DIR'] = args.token_data_dir or args.data_dir
    create_app(config)
    with db.connection_context(), db.atomic():
        _row, raw = ApiToken.issue(args.role, args.name)
    print(raw)


def _serve(args):
    from server import demo
    from server.app import create_app
    from server.db import records
    from server.extensions import db
    from server.host import serving
    from server.host.addresses import lan_addresses
    records.prepare_to_serve(args.data_dir)   # a damaged database stops here; the office lock is held from now on
    config = {'DATA_DIR': args.data_dir} if args.data_dir else {}
    workers, serving_config = serving.workers_wanted(args.workers), dict(config)
    tls = serving.tls_files(args.certfile, args.keyfile)
    if tls:     # session and device cookies then never travel over plain HTTP
        serving_config.update(TLS=True, SESSION_COOKIE_SECURE=True, PREFERRED_URL_SCHEME='https')
    if workers > 1:     # checked before anything is written
        from flask import Flask

        from server.config import load_config
        settled = load_config(Flask(__name__), config)     # also makes the secret key, once for all workers
        serving.check_workers(workers, settled)
        serving_config['DUTY_LOCK'] = os.path.join(settled['DATA_DIR'], 'background.lock')   # workers only
    if args.demo:
        create_app(dict(config, SCHEDULER=False, PRINTING=False))
        with db.connection_context():
            logins = demo.load_demo()
        db.obj.close_all()  # the serving process opens its own connections
        demo.print_logins(logins)
    if workers > 1:
        create_app(dict(config, SCHEDULER=False, PRINTING=False))  # the schema is upgraded once, here
        db.obj.close_all()
    addresses = [args.host] if args.host not in ('0.0.0.0', '::') else lan_addresses()
    print('Lượt đang chạy / Lượt is running (%s%s):' % (serving.choose_server(),
                                                         ', %d workers' % workers if workers > 1 else ''))
    for address in addresses:
        base = '%s://%s:%d' % ('https' if tls else 'http', address, args.port)
        for page in ('', 'kiosk', 'counter', 'display', 'desk', 'admin'):
            print('  %s/%s' % (base, page))
    sys.stdout.flush()
    signal.signal(signal.SIGTERM, _stop_on_signal)
    if os.environ.get('LUOT_STOP_ON_EOF'):   # started by the office PC's window on Windows (server/desktop/)
        from server.desktop.server_process import stop_when_stdin_closes
        stop_when_stdin_closes()

    from server.host.duties import start_process

    def started():
        """The app of this serving process (each gunicorn worker builds its own) with its threads running."""
        app = create_app(serving_config)
        start_process(app.extensions['luot'])
        return app
    serving.serve(started, args.host, args.port, lambda app: app.extensions['luot'].stop(), workers, tls)


def _records_command(args):
    from server.db import records
    data_dir = args.records_data_dir or args.data_dir
    if args.command == 'backup':
        records.backup_command(data_dir, args.to)
    elif args.command == 'restore':
        records.restore_command(args.file, data_dir)
    else:
        records.purge_command(data_dir)


def _stop_on_signal(_signum, _frame):
    raise KeyboardInterrupt


def run(argv=None):
    logging.basicConfig(level=logging.WARNING, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    # Our own modules tell what they do; libraries (python-escpos logs every connection) only warn.
    for name in ('server', 'display', 'printer'):
        logging.getLogger(name).setLevel(logging.INFO)
    args = _parser().parse_args(argv)
    from peewee import OperationalError

    from server.db.storage import RecordsError
    from server.host.serving import ServingError
    try:
        if args.command == 'token':
            _create_token(args)
        elif args.command == 'staff':
            from server.access.staff_command import create as create_staff
            sys.exit(create_staff(args))
        elif args.command == 'desktop':
            from server.desktop.app import run as open_window
            sys.exit(open_window(args.desktop_host or args.host, args.desktop_port or args.port,
                                 args.desktop_data_dir or args.data_dir))
        elif args.command in ('backup', 'restore', 'purge'):
            _records_command(args)
        else:
            _serve(args)
    except (OperationalError, ValueError) as error:
        # A database that cannot be opened or a bad setting: say so plainly, no traceback.
        print('Lượt: không mở được cơ sở dữ liệu / cannot open the database: %s' % error, file=sys.stderr)
        sys.exit(2)
    except (ServingError, RecordsError) as error:
        print('Lượt: %s' % error, file=sys.stderr)
        sys.exit(2)
