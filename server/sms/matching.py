"""Matching what a citizen typed against the office's procedures and names, forgivingly (rapidfuzz on folded text)."""
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from server.sms.text import fold, initials, similarity

PROCEDURE_MATCH = 70      # scores (0-100) below this are not taken as the procedure...
PROCEDURE_SUGGEST = 50    # ...but from here they are offered as suggestions
AMBIGUITY_MARGIN = 6      # two different procedures this close: ask rather than guess ("dang ky", "ban sao")
OFFICE_MATCH = 85         # high, so that "Hòa Cường Nam" does not pass for "Hòa Cường Bắc"
OFFICE_WORDS = re.compile(r'\b(?:uy ban nhan dan|ubnd|phuong|thi tran|xa|tt|p)\b')


@dataclass(frozen=True)
class Candidate:
    """A service or procedure that can be booked; key is the caller's own (hashable) identifier for it."""
    key: object
    label: str
    service_code: str | None = None


def match_procedure(text, candidates):
    """The candidate the text names (None if none is close enough, or two different ones are about as close)
    and up to three suggestions, best first."""
    query = fold(text)
    # best first; among equals (a service code shared by the service and its procedures) the shortest label,
    # which is the service's own, general name
    ranked = sorted(((procedure_score(query, candidate), candidate) for candidate in candidates),
                    key=lambda row: (-row[0], len(folded_label(row[1]))))
    suggestions = []
    for score, candidate in ranked:
        if score >= PROCEDURE_SUGGEST and len(suggestions) < 3 and \
                folded_label(candidate) not in {folded_label(other) for other in suggestions}:
            suggestions.append(candidate)
    if not ranked or ranked[0][0] < PROCEDURE_MATCH:
        return None, suggestions
    best_score, best = ranked[0]
    # another name of the same thing (a procedure's short name, another catalogue name of one service) is no rival
    rivals = [score for score, candidate in ranked
              if folded_label(candidate) != folded_label(best) and candidate.key != best.key]
    if best_score < 100 and rivals and rivals[0] > best_score - AMBIGUITY_MARGIN:
        return None, suggestions
    return best, suggestions


def in_a_name(query, candidate, candidates):
    """Whether the folded query is a run of words of one of the names of what candidate names ("chung thuc ban
    sao" is, of "Chứng thực bản sao từ bản chính"; "dang khai sinh" of "Hải Đăng khai sinh" is not)."""
    run = ' %s ' % ' '.join(re.findall(r'\w+', query))
    return any(run in ' %s ' % ' '.join(re.findall(r'\w+', folded_label(other)))
               for other in candidates if other.key == candidate.key)


def procedure_score(query, candidate):
    """0-100: the service code, the label or its initials ("dkks") score high; else text similarity."""
    label, code, label_initials = folded_forms(candidate)
    if not query or not label:
        return 0
    if query in (label, code):
        return 100
    if len(query) >= 2 and query.replace(' ', '') == label_initials:
        return 95
    return similarity(query, label)


@lru_cache(maxsize=4096)
def folded_forms(candidate):
    """(label, service code, initials of the label) folded, once per candidate."""
    label = fold(candidate.label)
    return label, fold(candidate.service_code or ''), initials(label)


def folded_label(candidate):
    return folded_forms(candidate)[0]


def match_office(text, office_names):
    """(score, office name) of the office name closest to the text, ignoring words such as UBND or phường."""
    core = office_core(text)
    best = (0, None)
    for name in office_names:
        target = office_core(name)
        if core and target:
            score = 100 if core.replace(' ', '') == initials(target) else fuzz.ratio(core, target)
            best = max(best, (score, name), key=lambda pair: pair[0])
    return best


def office_core(text):
    words = re.sub(r'[\W_]+', ' ', fold(text))
    return ' '.join(OFFICE_WORDS.sub(' ', words).split())
