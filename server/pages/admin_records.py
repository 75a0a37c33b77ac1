"""The console's records page: how long personal data is kept, erasing one citizen's data, the backups."""
import datetime

from flask import current_app, render_template

from server import settings
from server.auth import page
from server.clock import day_month_year
from server.db import backups, personal_data
from server.pages.admin import bp


def backup_rows():
    """The office's backups, newest first: file name, when (office time) and size in MB."""
    rows = []
    for path in backups.backups(current_app.config['DATA_DIR']):
        stat = path.stat()
        written = datetime.datetime.fromtimestamp(stat.st_mtime, datetime.timezone.utc).replace(tzinfo=None)
        rows.append({'name': path.name, 'at': day_month_year(written), 'size_mb': '%.1f' % (stat.st_size / 1e6)})
    return rows


@bp.get('/admin/records')
@page()
def records():
    return render_template('admin/records.html', days=personal_data.retention_days(),
                           keep=settings.get('backup_keep'), backups=backup_rows(),
                           folder=str(backups.backup_folder(current_app.config['DATA_DIR'])))
