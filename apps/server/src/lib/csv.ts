/**
 * CSV text (RFC 4180) that a spreadsheet opens as data, not as formulas.
 * Audit entries carry text strangers chose (a username typed at the login
 * form), and Excel or LibreOffice evaluate a cell starting with = + - @ (or a
 * tab or carriage return before one) as a formula: OWASP's "CSV injection".
 * Such a cell gets a leading apostrophe, which spreadsheets show as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One record, CRLF-terminated as RFC 4180 says. */
export const csvLine = (fields: readonly string[]): string => `${fields.map(csvField).join(',')}\r\n`;
