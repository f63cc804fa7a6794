/**
 * `omnitron status --watch` on a rich terminal: per target the agent's line and a table of its apps
 * (state, restarts, health, CPU, RSS, uptime), redrawn in place at every refresh. `StatusWatch` only
 * draws what it is given; `createStatusWatch` owns the ink instance; fetching is cli/status-watch.ts.
 */
import { Box, Text, render } from 'ink';
import type { TargetStatus } from '../agent-access.js';
import type { AgentStatus, AppStatus, ProcessStatus } from '../../contract/agent/status.js';
import { painter, type Painter } from './ansi.js';
import { agentLine, duration, HEALTH_STYLE, problemBlock, STATE_STYLE, table, targetLabel } from './status-text.js';

export interface StatusWatchProps {
  targets: readonly TargetStatus[];
  /** Epoch ms of the refresh the targets come from: ages are measured against it. */
  now: number;
  intervalMs: number;
  color: boolean;
}

const HEADER = ['APP', 'STATE', 'RESTARTS', 'HEALTH', 'CPU', 'RSS', 'UPTIME'];

export function StatusWatch({ targets, now, intervalMs, color }: StatusWatchProps) {
  const paint = painter(color);
  return (
    <Box flexDirection="column" rowGap={1}>
      {targets.length === 0 && <Text>{paint('dim', 'Asking the agents…')}</Text>}
      {targets.map((t) => (
        <Text key={t.target}>{'status' in t ? agentBlock(t.target, t.status, now, paint) : problemBlock(t.target, t.problem, t.hint, paint)}</Text>
      ))}
      <Text>{paint('dim', `Refreshing every ${duration(intervalMs)}; Ctrl-C to stop.`)}</Text>
    </Box>
  );
}

interface Line { cells: string[]; state: AppStatus['state']; health?: AppStatus['health'] }

function agentBlock(target: string, status: AgentStatus, now: number, paint: Painter): string {
  const head = `${paint('bold', targetLabel(target))}: ${agentLine(status, now, paint)}`;
  if (status.apps.length === 0) return `${head}\n  (no apps)`;
  const lines: Line[] = status.apps.flatMap((app) => [
    { cells: appCells(app), state: app.state, health: app.health },
    ...(app.processes.length > 1 ? app.processes.map((p) => ({ cells: processCells(p, now), state: p.state })) : []),
  ]);
  const rows = table([HEADER, ...lines.map((l) => l.cells)], (row, col, cell) => (row === 0 ? paint('dim', cell) : cellStyle(lines[row - 1], col, cell, paint)));
  return [head, ...rows].join('\n');
}

function appCells(app: AppStatus): string[] {
  const sampled = app.processes.filter((p) => p.cpu !== undefined || p.rss !== undefined);
  const sum = (pick: (p: ProcessStatus) => number | undefined) => (sampled.length === 0 ? undefined : sampled.reduce((n, p) => n + (pick(p) ?? 0), 0));
  return [
    app.name,
    app.blockedBy ? `${app.state} by ${app.blockedBy}` : app.state,
    String(app.restarts),
    app.health,
    cpuText(sum((p) => p.cpu)),
    rssText(sum((p) => p.rss)),
    app.uptimeMs === undefined ? '-' : duration(app.uptimeMs),
  ];
}

function processCells(p: ProcessStatus, now: number): string[] {
  const up = p.pid === undefined || p.startedAt === undefined ? '-' : duration(now - p.startedAt);
  return [`  ${p.name}`, p.state, String(p.restarts), '', cpuText(p.cpu), rssText(p.rss), up];
}

function cellStyle(line: Line, col: number, cell: string, paint: Painter): string {
  const style = col === 1 ? STATE_STYLE[line.state] : col === 3 && line.health ? HEALTH_STYLE[line.health] : undefined;
  return style ? paint(style, cell) : cell;
}

/** CPU% of one core, as the agent sampled it. */
export function cpuText(cpu: number | undefined): string {
  return cpu === undefined ? '-' : `${cpu.toFixed(1)}%`;
}

export function rssText(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  const mib = bytes / 1_048_576;
  return mib >= 1024 ? `${(mib / 1024).toFixed(2)} GiB` : `${mib.toFixed(1)} MiB`;
}

export interface StatusWatchView {
  update(targets: readonly TargetStatus[], now: number): void;
  /** Leaves the last frame on the screen and unmounts. */
  done(): Promise<void>;
}

export function createStatusWatch(stream: NodeJS.WritableStream, opts: { intervalMs: number; color: boolean; interactive?: boolean }): StatusWatchView {
  const view = (targets: readonly TargetStatus[], now: number) => <StatusWatch targets={targets} now={now} intervalMs={opts.intervalMs} color={opts.color} />;
  const app = render(view([], Date.now()), { stdout: stream, patchConsole: false, exitOnCtrlC: false, interactive: opts.interactive });
  return {
    update: (targets, now) => app.rerender(view(targets, now)),
    async done() {
      app.unmount();
      await app.waitUntilExit();
    },
  };
}
