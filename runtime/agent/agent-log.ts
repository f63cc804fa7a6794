/** The agent's own log: one JSON object per line (to the journal on a node, agent.log for a local stack). */
export type AgentLog = (entry: { level: 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>) => void;

export function jsonLineLog(write: (line: string) => void = (l) => process.stdout.write(l)): AgentLog {
  return (entry) => write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}
