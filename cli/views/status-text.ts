/**
 * `omnitron status` for people: per target, the agent's own line then one row per app; a target whose
 * agent cannot answer gets one line saying why (and what to do), so one dead node never hides the rest.
 */
import type { TargetStatus } from '../agent-access.js';
import { painter, type Painter, type Style } from './ansi.js';
import type { AppState, AppStatus, AgentStatus, ProcessStatus } from '../../contract/agent/status.js';

export interface StatusTextOptions {
  color: boolean;
  /** Epoch ms the ages are measured against. */
  now: number;
}

const HEADER = ['APP', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'LAST EXIT', 'HEALTH'];

export const STATE_STYLE: Partial<Record<AppState, Style>> = { running: 'green', failed: 'red', backoff: 'yellow', blocked: 'yellow', starting: 'cyan' };
export const HEALTH_STYLE: Record<AppStatus['health'], Style | undefined> = { ok: 'green', failing: 'red', unknown: undefined };

export function renderStatusText(targets: readonly TargetStatus[], opts: StatusTextOptions): string {
  const paint = painter(opts.color);
  const blocks = targets.map((t) => ('status' in t ? agentBlock(t.target, t.status, opts.now, paint) : problemBlock(t.target, t.problem, t.hint, paint)));
  return `${blocks.join('\n\n')}\n`;
}

export function targetLabel(target: string): string {
  return target === 'local' ? 'local' : `node ${target}`;
}

export function problemBlock(target: string, problem: string, hint: string | undefined, paint: Painter): string {
  return [`${paint('bold', targetLabel(target))}: ${paint('red', problem)}`, ...(hint ? [`  ${hint}`] : [])].join('\n');
}

function agentBlock(target: string, status: AgentStatus, now: number, paint: Painter): string {
  const head = `${paint('bold', targetLabel(target))}: ${agentLine(status, now, paint)}`;
  if (status.apps.length === 0) return `${head}\n  (no apps)`;
  // An app of several processes (or instances) gets one row more per process, under its own.
  const lines = status.apps.flatMap((app) => [
    { row: appRow(app, now), state: app.state, health: app.health as AppStatus['health'] | undefined },
    ...(app.processes.length > 1 ? app.processes.map((p) => ({ row: processRow(p, now), state: p.state, health: undefined })) : []),
  ]);
  const notes = status.apps.flatMap((app) => (app.notes ?? []).map((note) => `  ${paint('yellow', 'note')}: ${app.name}: ${note}`));
  const rows = table([HEADER, ...lines.map((l) => l.row)], (row, col, cell) => (row === 0 ? paint('dim', cell) : cellStyle(lines[row - 1], col, cell, paint)));
  return [head, ...rows, ...notes].join('\n');
}

function processRow(p: ProcessStatus, now: number): string[] {
  return [
    `  ${p.name}`,
    p.state,
    p.pid === undefined ? '-' : String(p.pid),
    p.pid === undefined || p.startedAt === undefined ? '-' : duration(now - p.startedAt),
    String(p.restarts),
    p.lastExit ? `${p.lastExit.reason}, ${duration(now - p.lastExit.at)} ago` : '-',
    '',
  ];
}

export function agentLine(status: AgentStatus, now: number, paint: Painter): string {
  const { agent } = status;
  const style: Style = agent.state === 'running' ? 'green' : agent.state === 'failed' ? 'red' : 'yellow';
  const facts = [`pid ${agent.pid}`, `up ${duration(now - agent.startedAt)}`, `v${agent.version}`];
  return `agent ${paint(style, agent.state)}${agent.reason ? `: ${agent.reason}` : ''} (${facts.join(', ')})`;
}

function appRow(app: AppStatus, now: number): string[] {
  const pids = app.processes.flatMap((p) => (p.pid === undefined ? [] : [String(p.pid)]));
  return [
    app.name,
    app.blockedBy ? `${app.state} by ${app.blockedBy}` : app.state,
    pids.length > 0 ? pids.join(',') : '-',
    app.uptimeMs === undefined ? '-' : duration(app.uptimeMs),
    String(app.restarts),
    app.lastExit ? `${app.lastExit.reason}, ${duration(now - app.lastExit.at)} ago` : '-',
    app.health,
  ];
}

function cellStyle(line: { state: AppState; health?: AppStatus['health'] }, col: number, cell: string, paint: Painter): string {
  const style = col === 1 ? STATE_STYLE[line.state] : col === 6 && line.health ? HEALTH_STYLE[line.health] : undefined;
  return style ? paint(style, cell) : cell;
}

/** Left-aligned columns two spaces apart, indented two; widths from the plain text, colour added after. */
export function table(rows: string[][], style: (row: number, col: number, cell: string) => string): string[] {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  return rows.map((cells, row) => `  ${cells.map((cell, col) => style(row, col, col === cells.length - 1 ? cell : cell.padEnd(widths[col]))).join('  ')}`.trimEnd());
}

/** `45s`, `3m 12s`, `2h 14m`, `3d 4h`: two units are enough to tell "just restarted" from "up for days". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
