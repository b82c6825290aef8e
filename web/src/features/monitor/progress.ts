export interface ProgressPart {
  /** The custom status field counted, e.g. "completed". */
  key: string;
  value: number;
  max: number;
}

// The counters a total is usually paired with, in the order they are shown.
const knownCounters = ['sent', 'processed', 'completed', 'done', 'succeeded', 'failed'];

/**
 * Progress read from an orchestration's custom status: `{ total, sent, completed }` gives
 * "sent n of N" and "completed n of N"; `{ done, total }` gives "done n of N". Also looks one
 * level down (`{ progress: { done, total } }`). Anything else gives no progress.
 */
export function progressFrom(customStatus: unknown): ProgressPart[] {
  const candidates = [customStatus];
  if (isRecord(customStatus)) {
    candidates.push(...Object.values(customStatus).filter(isRecord));
  }
  for (const candidate of candidates) {
    if (!isRecord(candidate)) continue;
    const total = numberField(candidate, 'total');
    if (total === undefined || total < 0) continue;
    const parts = Object.keys(candidate)
      .filter((key) => key.toLowerCase() !== 'total' && numberField(candidate, key) !== undefined)
      .sort((a, b) => rank(a) - rank(b))
      .map((key) => ({ key, value: numberField(candidate, key)!, max: total }));
    if (parts.length > 0) return parts;
  }
  return [];
}

function rank(key: string): number {
  const index = knownCounters.indexOf(key.toLowerCase());
  return index === -1 ? knownCounters.length : index;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberField(record: Record<string, unknown>, key: string): number | undefined {
  const match = Object.keys(record).find((k) => k.toLowerCase() === key.toLowerCase());
  const value = match === undefined ? undefined : record[match];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
