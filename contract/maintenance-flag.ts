/**
 * The gateway's maintenance flag in the stack's Redis (DB 0), shared by the Lua that reads it and
 * `omnitron maintenance` that flips it: `<project>:maintenance` = "1" while on, and the page's text
 * under `<project>:maintenance:message`.
 */
export function maintenanceKey(project: string): string {
  return `${project}:maintenance`;
}

export function maintenanceMessageKey(project: string): string {
  return `${maintenanceKey(project)}:message`;
}

export const MAINTENANCE_ON = '1';
/** The gateways cache the flag this long: a flip shows within it. */
export const MAINTENANCE_CACHE_SECONDS = 1;
