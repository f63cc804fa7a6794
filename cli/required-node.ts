/**
 * The Node the CLI needs. main.ts checks it before anything else loads, on every Node still in use
 * (18, 20, 22): no imports here, so the check costs nothing on the Node that passes it.
 */
export const REQUIRED_NODE_MAJOR = 24;

export function nodeMajor(version: string): number {
  return Number(version.replace(/^v/, '').split('.')[0]);
}
