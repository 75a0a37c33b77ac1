"""The JSON API for a citizen's request to erase their personal data (the console's form writes through it)."""
from flask import jsonify

from server.api.blueprint import actor, bp
from server.auth import requires
from server.db import personal_data
from server.validation import json_body, text


@bp.post('/personal-data/erase')
@requires('admin')
def erase_personal_data():
    """Erase everything about one phone number; answers how many rows of each kind were erased."""
    body = json_body()
    phone = text(body, 'phone', 20, required=True)
    counts = personal_data.erase_phone(phone, actor())
    return jsonify({'rows': sum(counts.values()), 'erased': counts})
