/** One changed field between an audit entry's before and after. */
export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

export function parseSnapshot(json: string | null | undefined): unknown {
  if (json === null || json === undefined || json === '') return null;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

function show(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The fields that differ, one level deep (nested objects and lists are compared as JSON).
 * A creation lists every field with no "before"; a deletion every field with no "after".
 */
export function diffSnapshots(before: unknown, after: unknown): FieldChange[] {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(before) && !isRecord(after)) {
    const b = show(before);
    const a = show(after);
    return b === a ? [] : [{ field: '', before: b, after: a }];
  }
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return fields
    .map((field) => ({ field, before: show(b[field]), after: show(a[field]) }))
    .filter((change) => change.before !== change.after);
}

export function pretty(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}
