"""`python run.py staff create --username U --role ROLE`: a real office's first admin, without a browser.

The password is typed twice at a prompt that does not echo it, or read from LUOT_PASSWORD (for scripts).
It is the person's own choice, so it need not be changed at the first login. Exit status 0 when the
account was made, 2 with a message (Vietnamese / English) on stderr otherwise.
"""
import getpass
import os
import sys

from server.models import STAFF_ROLES


class Refused(Exception):
    """A reason, in both languages, not to create the account."""


def add_parser(sub):
    """The `staff` command and its `create` subcommand, in run.py's argument parser."""
    staff = sub.add_parser('staff', help='staff accounts')
    staff_sub = staff.add_subparsers(dest='staff_command', required=True)
    create = staff_sub.add_parser('create', help='create a staff account (password from a prompt or LUOT_PASSWORD)')
    create.add_argument('--username', required=True)
    create.add_argument('--role', required=True, choices=list(STAFF_ROLES))
    create.add_argument('--full-name', default='')
    create.add_argument('--data-dir', dest='staff_data_dir', default=None)


def _password(min_length):
    """The password from LUOT_PASSWORD, else typed twice; refused if too short or the two differ."""
    password = os.environ.get('LUOT_PASSWORD')
    if not password:
        password = getpass.getpass('Mật khẩu / Password: ')
        if getpass.getpass('Nhập lại mật khẩu / Repeat the password: ') != password:
            raise Refused('hai lần nhập mật khẩu không giống nhau / the two passwords differ')
    if len(password) < min_length:
        raise Refused('mật khẩu phải có ít nhất %d ký tự / the password must have at least %d characters'
                      % (min_length, min_length))
    if len(password) > 200:
        raise Refused('mật khẩu dài quá 200 ký tự / the password is longer than 200 characters')
    return password


def create(args):
    """Create the account; 0 when done, 2 (with a message on stderr) when refused."""
    from peewee import IntegrityError

    from server.api.staff import MIN_PASSWORD, USERNAME
    from server.app import create_app
    from server.audit import audit
    from server.auth import hash_password
    from server.extensions import db
    from server.models import Staff
    try:
        if not USERNAME.match(args.username):
            raise Refused('tên đăng nhập gồm 2-50 chữ cái không dấu, chữ số, dấu chấm, "-" hoặc "_" / a username '
                          'is 2-50 letters (a-z), digits, ".", "-" or "_"')
        if len(args.full_name) > 100:
            raise Refused('họ và tên dài quá 100 ký tự / the full name is longer than 100 characters')
        config = {'SCHEDULER': False, 'PRINTING': False}
        if args.staff_data_dir or args.data_dir:
            config['DATA_DIR'] = args.staff_data_dir or args.data_dir
        create_app(config)
        with db.connection_context():
            if Staff.select().where(Staff.username == args.username).exists():
                raise Refused('đã có tài khoản "%s" / the account "%s" exists already' % ((args.username,) * 2))
            password = _password(MIN_PASSWORD)
            try:
                with db.atomic():
                    Staff.create(username=args.username, full_name=args.full_name, role=args.role,
                                 password_hash=hash_password(password))
                    audit(None, 'staff_created', 'cli', username=args.username, role=args.role)
            except IntegrityError:
                raise Refused('đã có tài khoản "%s" / the account "%s" exists already' % ((args.username,) * 2))
    except Refused as refusal:
        print('Lượt: %s' % refusal, file=sys.stderr)
        return 2
    except (EOFError, KeyboardInterrupt):
        print('\nLượt: chưa tạo tài khoản / no account created', file=sys.stderr)
        return 2
    print('Đã tạo tài khoản %s (%s) / account created' % (args.username, args.role))
    return 0
