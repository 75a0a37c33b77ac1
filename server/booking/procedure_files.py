"""The procedures as a CSV or Excel file, and reading one back: the list a ward keeps (about 133 rows) goes in and
out of the console. Reading checks every row first and refuses the whole file, naming the row and the column."""
import csv
import io
import zipfile

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook

from server.errors import Invalid
from server.sms.text import fold
from server.spreadsheets import FORMULA_STARTS, append_row

# (key, header): the file's columns, in order; the headers are the file's format, the same in every language.
COLUMNS = (('service', 'Lĩnh vực'), ('name', 'Tên thủ tục'), ('aliases', 'Tên gọi ngắn'),
           ('guide_url', 'Đường dẫn hướng dẫn'))
REQUIRED = ('service', 'name')
# Other headers people write for the same columns (folded: no marks, lower case).
HEADER_NAMES = {'linh vuc': 'service', 'ma linh vuc': 'service', 'service': 'service', 'ten thu tuc': 'name',
                'thu tuc': 'name', 'name': 'name', 'ten goi ngan': 'aliases', 'ten goi khac': 'aliases',
                'aliases': 'aliases', 'duong dan huong dan': 'guide_url', 'huong dan': 'guide_url',
                'guide_url': 'guide_url', 'stt': None, 'so thu tu': None}
MAX_BYTES = 512 * 1024
MAX_ROWS = 1000
MAX_UNPACKED = 20 * 1024 * 1024   # a workbook's parts unpacked: a small file must not unpack to gigabytes
HEADER_SEARCH_ROWS = 10
LIMITS = {'service': 100, 'name': 200, 'aliases': 2000, 'guide_url': 500}
XLSX_MAGIC = b'PK\x03\x04'
FORMULA_MARKS = ('=', '+', '-', '@')   # what is left of FORMULA_STARTS once a cell is trimmed


def csv_bytes(rows):
    """The rows (dicts with COLUMNS' keys) as CSV, UTF-8 with a byte order mark so that Excel reads the marks;
    a text a spreadsheet would run as a formula gets a leading apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\r\n')
    writer.writerow([header for _key, header in COLUMNS])
    for row in rows:
        writer.writerow(["'" + value if value.startswith(FORMULA_STARTS) else value
                         for value in (row[key] for key, _header in COLUMNS)])
    return ('\ufeff' + out.getvalue()).encode('utf-8')


def workbook_bytes(rows):
    """The rows as an Excel workbook, every cell text (never a formula)."""
    book = Workbook()
    sheet = book.active
    sheet.title = 'Thủ tục'
    append_row(sheet, [header for _key, header in COLUMNS])
    for row in rows:
        append_row(sheet, [row[key] for key, _header in COLUMNS])
    for letter, width in zip('ABCD', (14, 80, 40, 40)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = 'A2'
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_rows(data):
    """The rows of an uploaded CSV or XLSX file as (row number, {key: text}); a 400 naming the row and the
    column for a file that cannot be taken whole."""
    if not data:
        raise Invalid(_('Hãy chọn tệp CSV hoặc Excel (.xlsx) danh sách thủ tục.'), 'missing_file')
    if len(data) > MAX_BYTES:
        raise Invalid(_('Tệp quá lớn (tối đa %(size)s KB).', size=MAX_BYTES // 1024), 'file_too_large')
    table = _xlsx_table(data) if data.startswith(XLSX_MAGIC) else _csv_table(data)
    header_row = _header_row(table)
    keys = _header_keys(*header_row)
    rows = []
    for number, cells in table:
        if number <= header_row[0] or not any(cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise Invalid(_('Tệp có quá %(count)s thủ tục.', count=MAX_ROWS), 'too_many_rows')
        rows.append((number, _row_values(number, keys, cells)))
    if not rows:
        raise Invalid(_('Tệp không có thủ tục nào dưới dòng tiêu đề.'), 'empty_file')
    return rows


def refusal(number, column_key, message, code='invalid_row'):
    """A 400 whose message begins with the row and the column: "Dòng 5, cột “Tên thủ tục”: ..."."""
    header = dict(COLUMNS).get(column_key, column_key)
    error = Invalid(_('Dòng %(row)s, cột “%(column)s”: %(message)s', row=number, column=header, message=message),
                    code)
    error.details = {'row': number, 'column': header}
    return error


def _header_row(table):
    """(number, cells) of the header: the first row naming the required columns among the first few (a list
    copied from elsewhere often has a title above it), else the first row that is not empty."""
    filled = [(number, cells) for number, cells in table[:HEADER_SEARCH_ROWS] if any(cells)]
    if not filled:
        raise Invalid(_('Tệp không có dòng nào.'), 'empty_file')
    for number, cells in filled:
        named = {HEADER_NAMES.get(fold((cell or '').replace('*', ''))) for cell in cells}
        if all(key in named for key in REQUIRED):
            return number, cells
    return filled[0]


def _header_keys(number, cells):
    """The key of each column of the header row (None for a column to skip); a 400 for an unknown or missing
    column."""
    keys = []
    for cell in cells:
        name = fold((cell or '').replace('*', ''))
        if name and name not in HEADER_NAMES:
            raise Invalid(_('Dòng %(row)s: cột “%(column)s” không có trong mẫu. Các cột: %(columns)s.', row=number,
                            column=cell, columns=', '.join(header for _key, header in COLUMNS)), 'unknown_column')
        keys.append(HEADER_NAMES.get(name))
    for key in REQUIRED:
        if key not in keys:
            raise Invalid(_('Tệp thiếu cột “%(column)s” (dòng tiêu đề: %(columns)s).', column=dict(COLUMNS)[key],
                            columns=', '.join(header for _key, header in COLUMNS)), 'missing_column')
    return keys


def _row_values(number, keys, cells):
    values = {key: '' for key, _header in COLUMNS}
    for key, cell in zip(keys, cells):
        if key is None:
            continue
        value = (cell or '').strip()
        if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
            value = value[1:]   # written so by csv_bytes: the apostrophe only kept it a text
        elif value.startswith(FORMULA_MARKS):
            raise refusal(number, key, _('ô bắt đầu bằng “%(mark)s” như một công thức; hãy bỏ ký tự đó.',
                                         mark=value[0]), 'formula_cell')
        if len(value) > LIMITS[key]:
            raise refusal(number, key, _('dài quá %(count)s ký tự.', count=LIMITS[key]), 'too_long')
        values[key] = value
    return values


def _csv_table(data):
    """(row number, cells) of a CSV file: UTF-8 (with or without BOM), comma or semicolon separated."""
    if b'\0' in data[:4096]:
        raise _not_a_table()
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError:
        raise Invalid(_('Tệp CSV phải ở mã UTF-8 (trong Excel: Lưu thành, chọn “CSV UTF-8”).'), 'invalid_encoding')
    first_line = text.split('\n', 1)[0]
    delimiter = ';' if first_line.count(';') > first_line.count(',') else ','
    try:
        return [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter),
                                                               start=1)]
    except csv.Error:
        raise _not_a_table()


def _xlsx_table(data):
    """(row number, cells as text) of the first sheet of an .xlsx workbook; a formula cell is refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise Invalid(_('Tệp quá lớn (tối đa %(size)s KB).', size=MAX_BYTES // 1024), 'file_too_large')
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise _not_a_table()
    table = []
    for number, row in enumerate(book.worksheets[0].iter_rows(), start=1):
        if number > MAX_ROWS + 50:
            break
        cells = []
        for cell in row:
            if getattr(cell, 'data_type', None) == 'f':
                raise Invalid(_('Dòng %(row)s, cột %(column)s: ô là công thức; hãy ghi giá trị thay cho công thức.',
                                row=number, column=cell.column_letter), 'formula_cell')
            value = '' if cell.value is None else str(cell.value)
            # a text cell is a text, even one beginning with "=": marked as csv_bytes marks it
            cells.append("'" + value if value.startswith(FORMULA_STARTS) else value)
        table.append((number, cells))
    book.close()
    return table


def _not_a_table():
    return Invalid(_('Tệp không phải CSV hay Excel (.xlsx).'), 'invalid_file')
