/** Docker's CPU counts: the API takes nano CPUs. */
export const NANO = 1e9;

export function cpusToNano(cpus: number): number {
  return Math.round(cpus * NANO);
}

export function nanoToCpus(nano: number): number {
  return Math.round((nano / NANO) * 1000) / 1000;
}
