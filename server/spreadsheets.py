"""Workbooks that open safely: a text that begins like a formula stays a text.

Names, notes and service names are typed by citizens, callers and staff; in a spreadsheet a cell
beginning with =, +, -, @ (or a tab or carriage return, OWASP's list) may run as a formula
(=HYPERLINK(...) sends the reader to any site). Such cells are written as text and marked with
Excel's quote prefix, so they stay text even when someone edits them.
"""
FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')


def append_row(sheet, values):
    """sheet.append(values), with every text a spreadsheet would read as a formula kept as text."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = 's'        # openpyxl made it a formula ('f') when it began with =
            cell.quotePrefix = True


def as_text(value):
    """A text for a CSV cell: one a spreadsheet would read as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
