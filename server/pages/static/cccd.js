/* The citizen ID card (CCCD) QR code, read by a keyboard-wedge scanner: it types
   "ID|old ID|name|ddmmyyyy|sex|address|issued" and Enter, far faster than any person (Bluetooth
   scanners too). Only the name, the form of address and whether the citizen is 60 or over leave this
   file; the ID number, birth date and address are dropped at once and never kept in memory. */

const SCAN_GAP_MS = 80;

/** Whole years from a ddmmyyyy birth date to `today`; 0 when the date cannot be read. */
export function ageOn(birth, today) {
  const match = /^(\d{2})(\d{2})(\d{4})$/.exec((birth || '').trim());
  if (!match) return 0;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const before = today.getMonth() + 1 < month || (today.getMonth() + 1 === month && today.getDate() < day);
  return today.getFullYear() - year - (before ? 1 : 0);
}

/** {name, title ('_mr', '_ms' or ''), elderly} from the scanned fields, or null without a name. */
export function citizenOf(fields) {
  const name = (fields[2] || '').normalize('NFC').trim().replace(/\s+/g, ' ').slice(0, 100);
  if (!name) return null;
  const sex = (fields[4] || '').normalize('NFC').trim().toLowerCase();
  return {name: name, title: sex === 'nam' ? '_mr' : sex === 'nữ' ? '_ms' : '',
          elderly: ageOn(fields[3], new Date()) >= 60};
}

/** Call onCitizen(citizen) for every card scanned; people's own typing passes through untouched. */
export function listen(onCitizen) {
  const scan = {text: '', last: 0, timer: null};

  function clear() {
    scan.text = '';
    clearTimeout(scan.timer);
  }

  window.addEventListener('keydown', (event) => {
    const now = performance.now();
    if (event.key === 'Enter') {
      const text = scan.text;
      const fast = text.length >= 10 && now - scan.last <= SCAN_GAP_MS * 2;
      clear();
      if (!fast) return;
      event.preventDefault();   // the scanner's Enter must not press a focused button
      event.stopPropagation();
      const fields = text.split('|');
      const citizen = fields.length >= 6 ? citizenOf(fields) : null;
      fields.length = 0;
      if (citizen) onCitizen(citizen);
      return;
    }
    if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!scan.text || now - scan.last > SCAN_GAP_MS) scan.text = '';
    scan.text += event.key;
    scan.last = now;
    if (scan.text.length >= 2 && document.activeElement && document.activeElement !== document.body) {
      document.activeElement.blur();   // nor may its spaces
    }
    clearTimeout(scan.timer);
    scan.timer = setTimeout(clear, 500);   // the ID number is not kept in memory either
  }, true);
}

