export const auditPath = '/admin/audit';

/** The audit log filtered to one record. */
export function auditPathFor(recordType: string, recordId: string): string {
  return `${auditPath}?${new URLSearchParams({ recordType, recordId }).toString()}`;
}
