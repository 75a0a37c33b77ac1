"""Reading and checking request bodies; every refusal names the field, in the user's language."""
import datetime
import re

import phonenumbers
from flask import request
from flask_babel import gettext as _

from server.errors import Invalid
from server.labels import field_label

MAX_NAME = 100
MAX_ID = 2 ** 63 - 1   # database integer keys are 64-bit
ISO_DAY = re.compile(r'[0-9]{4}-[0-9]{2}-[0-9]{2}')          # the API and date fields
TYPED_DAY = re.compile(r'[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}')    # what people type here: dd/mm/yyyy
TYPED_TIME = re.compile(r'([0-9]{1,2})[:hH.]([0-9]{2})')      # 24-hour: 8:30, 08:30, 8h30


def json_body(required=True):
    """The request's JSON object, or a 400 that says what is wrong with it."""
    # get_data, not request.data: the latter runs Werkzeug's form parser first (a tenth of a ticket's CPU).
    if not required and not request.get_data(cache=True):
        return {}
    if not request.is_json:
        raise Invalid(_('Dữ liệu phải ở dạng JSON (Content-Type: application/json).'), 'invalid_json')
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # absurdly deep nesting: refuse it like any other malformed body
        body = None
    if body is None:
        raise Invalid(_('Dữ liệu JSON bị lỗi cú pháp.'), 'invalid_json')
    if not isinstance(body, dict):
        raise Invalid(_('Dữ liệu JSON phải là một đối tượng {...}.'), 'invalid_json')
    return body


def not_null(body, fields):
    """A 400 for the first of these fields sent as null: their columns cannot be empty (leave a field out
    to keep its value, or its default when creating)."""
    for field in fields:
        if field in body and body[field] is None:
            raise Invalid(_('Trường "%(field)s" không được để trống (null): hãy bỏ trường này đi hoặc gửi một '
                            'giá trị.', field=field_label(field)), 'null_field')


def text(body, field, max_length, required=False, default=None):
    """A string field, stripped; None when absent and not required."""
    value = body.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(_('Thiếu trường bắt buộc "%(field)s".', field=field_label(field)), 'missing_field')
        return default
    if not isinstance(value, str):
        raise Invalid(_('Trường "%(field)s" phải là chuỗi ký tự.', field=field_label(field)), 'invalid_type')
    value = value.strip()
    if not encodable(value):
        raise Invalid(_('Trường "%(field)s" chứa ký tự không hợp lệ.', field=field_label(field)), 'invalid_text')
    if len(value) > max_length:
        raise Invalid(_('Trường "%(field)s" dài quá %(max)d ký tự.', field=field_label(field), max=max_length),
                      'too_long')
    return value


def encodable(value):
    """False for strings that cannot be stored as UTF-8 (lone surrogates from a JSON escape)."""
    try:
        value.encode('utf-8')
        return True
    except UnicodeEncodeError:
        return False


def boolean(body, field, default=False):
    value = body.get(field, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise Invalid(_('Trường "%(field)s" phải là true hoặc false.', field=field_label(field)), 'invalid_type')
    return value


def integer(body, field, required=False, minimum=None, maximum=None, default=None):
    value = body.get(field)
    if value is None:
        if required:
            raise Invalid(_('Thiếu trường bắt buộc "%(field)s".', field=field_label(field)), 'missing_field')
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(_('Trường "%(field)s" phải là số nguyên.', field=field_label(field)), 'invalid_type')
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if minimum is not None and maximum is not None:
            raise Invalid(_('Trường "%(field)s" phải từ %(low)s đến %(high)s.', field=field_label(field), low=minimum,
                            high=maximum), 'out_of_range')
        raise Invalid(_('Trường "%(field)s" nằm ngoài khoảng cho phép.', field=field_label(field)), 'out_of_range')
    return value


def string_list(body, field, item_max=16, default=None):
    value = body.get(field, default)
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, str) and 0 < len(v) <= item_max for v in value):
        raise Invalid(_('Trường "%(field)s" phải là danh sách chuỗi.', field=field_label(field)), 'invalid_type')
    return value


def parse_day(value, field='date', iso=True, typed=False):
    """A date as YYYY-MM-DD (iso) and/or dd/mm/yyyy (typed), as the caller accepts; else a 400 naming the field."""
    value = value.strip() if isinstance(value, str) else ''
    try:
        if iso and ISO_DAY.fullmatch(value):
            return datetime.date.fromisoformat(value)
        if typed and TYPED_DAY.fullmatch(value):
            day, month, year = (int(part) for part in value.split('/'))
            return datetime.date(year, month, day)
    except ValueError:   # 31/02, month 13, year 0
        pass
    shown = value[:20]
    if iso and typed:
        message = _('Ngày "%(value)s" (%(field)s) không hợp lệ: hãy dùng dạng YYYY-MM-DD (ví dụ 2026-11-25) '
                    'hoặc dd/mm/yyyy.', value=shown, field=field_label(field))
    elif typed:
        message = _('Ngày "%(value)s" (%(field)s) không hợp lệ: hãy dùng dạng dd/mm/yyyy (ví dụ 25/11/2026).',
                    value=shown, field=field_label(field))
    else:
        message = _('Ngày "%(value)s" (%(field)s) không hợp lệ: hãy dùng dạng YYYY-MM-DD (ví dụ 2026-11-25).',
                    value=shown, field=field_label(field))
    raise Invalid(message, 'invalid_date')


def parse_time(value, field='start'):
    """A 24-hour time typed as HH:MM (8:30 and 8h30 too) as 'HH:MM'; else a 400 naming the field."""
    match = TYPED_TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return '%02d:%s' % (int(match.group(1)), match.group(2))
    raise Invalid(_('Giờ "%(value)s" (%(field)s) không hợp lệ: hãy dùng dạng 24 giờ HH:MM (ví dụ 07:30 hoặc 13:45).',
                    value=(value if isinstance(value, str) else '')[:20], field=field_label(field)), 'invalid_time')


def phone_number(value, field='phone'):
    """A Vietnamese phone number in its national form (0xxxxxxxxx), or a 400."""
    if value is None or value == '':
        return None
    if not isinstance(value, str):
        raise Invalid(_('Trường "%(field)s" phải là chuỗi ký tự.', field=field_label(field)), 'invalid_type')
    compact = value.replace(' ', '').replace('.', '').replace('-', '')
    if not (compact.startswith('0') or compact.startswith('+84')) or len(compact) > 13:
        raise Invalid(_('Số điện thoại không hợp lệ (dạng 0xxxxxxxxx hoặc +84xxxxxxxxx).'), 'invalid_phone')
    try:
        parsed = phonenumbers.parse(compact, 'VN')
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or parsed.country_code != 84 or not phonenumbers.is_valid_number(parsed):
        raise Invalid(_('Số điện thoại không hợp lệ (dạng 0xxxxxxxxx hoặc +84xxxxxxxxx).'), 'invalid_phone')
    return '0' + str(parsed.national_number)


def mask_phone(phone):
    """A phone number fit for a log line: the middle digits hidden."""
    if not phone:
        return ''
    return phone[:3] + '****' + phone[-3:] if len(phone) > 6 else '***'


def mask_name(name):
    """A name fit for a public board: "Nguyễn Văn An" -> "Nguyễn V. A"."""
    if not name:
        return None
    parts = name.split()
    if len(parts) == 1:
        return parts[0][0] + '.'
    middle = [p[0] + '.' for p in parts[1:-1]]
    return ' '.join([parts[0]] + middle + [parts[-1][0]])
