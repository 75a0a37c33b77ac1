"""The shipped catalogue of ward procedures: complete, consistent and found by the names offices give services."""
import csv
from importlib import resources

import pytest

from server.booking import catalogue
from server.sms.text import fold

SEVEN = {'Hộ tịch', 'Chứng thực', 'Đất đai', 'Xây dựng', 'Tư pháp', 'Lao động - Thương binh và Xã hội', 'Văn hóa'}


def test_at_least_sixty_entries_in_the_seven_fields():
    assert len(catalogue.ENTRIES) >= 60
    assert {field.name for field in catalogue.FIELDS} == SEVEN
    keys = {field.key for field in catalogue.FIELDS}
    assert all(entry.field in keys for entry in catalogue.ENTRIES)
    assert all(catalogue.entries_of(field.key) for field in catalogue.FIELDS)


def test_keys_and_names_are_unique_and_short_names_unambiguous_within_a_field():
    assert len({entry.key for entry in catalogue.ENTRIES}) == len(catalogue.ENTRIES)
    assert len({fold(entry.name) for entry in catalogue.ENTRIES}) == len(catalogue.ENTRIES)
    assert all(len(entry.key) <= 64 and len(entry.name) <= 200 for entry in catalogue.ENTRIES)
    for field in catalogue.FIELDS:
        aliases = [fold(alias) for entry in catalogue.entries_of(field.key) for alias in entry.aliases]
        assert len(aliases) == len(set(aliases)), field.key
    assert all(entry.aliases for entry in catalogue.ENTRIES)


def test_the_citizens_short_names_are_there():
    by_alias = {fold(alias): entry for entry in catalogue.ENTRIES for alias in entry.aliases}
    for alias, field, name in [('khai sinh', 'ho-tich', 'Đăng ký khai sinh'),
                               ('khai tu', 'ho-tich', 'Đăng ký khai tử'),
                               ('ket hon', 'ho-tich', 'Đăng ký kết hôn'),
                               ('xac nhan tinh trang hon nhan', 'ho-tich', 'Cấp Giấy xác nhận tình trạng hôn nhân'),
                               ('chung thuc chu ky', 'chung-thuc', None),
                               ('chung thuc ban sao', 'chung-thuc', None),
                               ('mai tang phi', 'lao-dong-thuong-binh-va-xa-hoi', None)]:
        assert by_alias[alias].field == field
        assert name is None or by_alias[alias].name == name


def test_the_data_files_parse_with_the_expected_columns():
    for filename, columns in [('catalogue.csv', ['key', 'field', 'name', 'aliases']),
                              ('catalogue_fields.csv', ['key', 'name', 'aliases'])]:
        text = resources.files('server.booking').joinpath(filename).read_text(encoding='utf-8')
        rows = list(csv.reader(text.splitlines()))
        assert rows[0][:len(columns)] == columns
        assert all(len(row) == len(rows[0]) for row in rows[1:]), filename


@pytest.mark.parametrize('name, key', [
    ('Hộ tịch', 'ho-tich'), ('HO TICH', 'ho-tich'), ('ho tich', 'ho-tich'), ('Tư pháp - Hộ tịch', 'ho-tich'),
    ('Tư pháp – Chứng thực', 'chung-thuc'), ('Tư pháp', 'tu-phap'), ('LĐ-TB&XH', 'lao-dong-thuong-binh-va-xa-hoi'),
    ('Lao động - Thương binh & Xã hội', 'lao-dong-thuong-binh-va-xa-hoi'), ('Lĩnh vực Xây dựng', 'xay-dung'),
    ('Văn hoá', 'van-hoa'), ('Đất đai', 'dat-dai'),
])
def test_a_service_named_after_a_field_finds_it(name, key):
    assert catalogue.field_for_service(name).key == key


@pytest.mark.parametrize('name', ['', '   ', 'Tiếp nhận hồ sơ', 'Hộ tịch lưu động', 'Đất đai - Xây dựng', None])
def test_other_names_find_no_field(name):
    assert catalogue.field_for_service(name) is None
