export const workflowsPath = '/admin/workflows';

export function workflowPath(instanceId: string): string {
  return `${workflowsPath}/${encodeURIComponent(instanceId)}`;
}
