/** A datetime-local value ("2031-07-13T10:00") read as the browser's local time, as an ISO instant; null when empty or unreadable. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
