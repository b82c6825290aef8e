/** A UTF-8 CSV with a byte-order mark (so spreadsheet programs read non-Latin text correctly). */
export const byteOrderMark = '\uFEFF';

export type CsvValue = string | number | boolean | Date | null | undefined;

export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return byteOrderMark + lines.join('\r\n') + '\r\n';
}

function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) {
    return '';
  }
  let text = value instanceof Date ? value.toISOString() : String(value);
  // A cell a spreadsheet would run as a formula is prefixed so it stays text.
  if (typeof value === 'string' && /^[=+@\t\r]|^-(?!\d)/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Offers the text as a file download. */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const blob = new Blob([text], { type });
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
