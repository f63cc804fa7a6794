/** Structured log lines, the same shape as the agent's `AgentLog`, so the agent passes its own. */
export type DiscoveryLog = (entry: { level: 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>) => void;

export const stderrLog: DiscoveryLog = (entry) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), component: 'discovery', ...entry })}\n`);
};

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
