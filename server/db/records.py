"""The command line's side of the office's records: `backup`, `restore`, `purge`, and the checks before serving."""
from flask import Flask

from server.config import load_config
from server.db import backups, storage


def settled_config(data_dir=None):
    """The office's configuration (DATA_DIR, DATABASE_URL, TIMEZONE) as the server would see it."""
    return load_config(Flask(__name__), {'DATA_DIR': data_dir} if data_dir else {})


def prepare_to_serve(data_dir=None):
    """Before serving: refuse a damaged database file (naming the newest backup), then hold the office lock."""
    config = settled_config(data_dir)
    backups.check_database(config)
    storage.hold_office(config['DATA_DIR'])


def backup_command(data_dir=None, to=None):
    """`run.py backup`: the copy's path is the last line printed."""
    print(backups.backup(settled_config(data_dir), to))


def restore_command(file, data_dir):
    """`run.py restore FILE --data-dir DIR`."""
    target, kept = backups.restore(settled_config(data_dir), file)
    if kept is not None:
        print('Cơ sở dữ liệu cũ được giữ lại ở / the previous database was kept as: %s' % kept)
    print('Đã khôi phục; lần chạy tới sẽ dùng bản này / restored; the next start serves it: %s' % target)


def purge_command(data_dir=None):
    """`run.py purge`: what the nightly clean-up erases, now."""
    from server.app import create_app
    from server.db import personal_data
    from server.extensions import db
    config = dict(SCHEDULER=False, PRINTING=False, **({'DATA_DIR': data_dir} if data_dir else {}))
    app = create_app(config)
    with app.app_context(), db.connection_context():
        counts = personal_data.purge(actor='cli')
        days = personal_data.retention_days()
    db.obj.close_all()
    detail = ', '.join('%s %d' % item for item in counts.items())
    print('Đã xóa họ tên, số điện thoại và nội dung tin nhắn cũ hơn %d ngày khỏi %d dòng / erased names, phones and '
          'message texts older than %d days from %d rows (%s)' % (days, sum(counts.values()), days,
                                                                   sum(counts.values()), detail))
