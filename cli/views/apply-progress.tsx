/**
 * The live apply view for a TTY: one line per provider refresh and per resource with a state glyph,
 * status and elapsed time. The component only reads props; `createInkSink` owns the ink instance.
 */
import { Box, Text, render } from 'ink';
import type { EngineEvent, EventSink } from '../../planner/events.js';
import { foldEvents, type ProgressRow, type RowState } from './progress-rows.js';
import { formatDuration } from './values.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const GLYPH: Record<Exclude<RowState, 'running'>, { glyph: string; color: string }> = {
  done: { glyph: '✔', color: 'green' },
  failed: { glyph: '✖', color: 'red' },
  skipped: { glyph: '↷', color: 'gray' },
};

export interface ApplyProgressProps {
  events: readonly EngineEvent[];
  /** Animation frame for running rows' spinner; advanced by the sink's timer. */
  tick?: number;
}

export function ApplyProgress({ events, tick = 0 }: ApplyProgressProps) {
  const { rows, warnings, summary } = foldEvents(events);
  const width = Math.max(0, ...rows.map((r) => r.label.length));
  return (
    <Box flexDirection="column">
      {rows.map((row) => <Row key={row.key} row={row} width={width} tick={tick} />)}
      {warnings.map((w, i) => <Text key={`w${i}`} color="yellow">Warning: {w}</Text>)}
      {summary && <Box marginTop={1}><Text bold color={summary.ok ? 'green' : 'red'}>{summary.text}</Text></Box>}
    </Box>
  );
}

function Row({ row, width, tick }: { row: ProgressRow; width: number; tick: number }) {
  const mark = row.state === 'running'
    ? { glyph: SPINNER[tick % SPINNER.length], color: 'cyan' }
    : GLYPH[row.state];
  const elapsed = row.elapsedMs === undefined ? '' : ` ${formatDuration(row.elapsedMs)}`;
  const detail = row.detail ? ` (${row.detail})` : '';
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={mark.color}>{mark.glyph}</Text>
        {` ${row.label.padEnd(width)}  `}
        <Text color={row.state === 'failed' ? 'red' : undefined} dimColor={row.state === 'skipped'}>
          {`${row.status}${row.state === 'running' ? '…' : ''}${elapsed}${detail}`}
        </Text>
      </Text>
      {row.hint && <Text dimColor>{`    ${row.hint}`}</Text>}
    </Box>
  );
}

export interface InkSink {
  sink: EventSink;
  /** Renders the final frame and unmounts; call once the engine has finished. */
  done(): Promise<void>;
}

export interface InkSinkOptions {
  /** Override ink's TTY/CI detection (tests pass false to get only the final frame). */
  interactive?: boolean;
  /** Spinner frame interval. */
  frameMs?: number;
}

export function createInkSink(stream: NodeJS.WritableStream, opts: InkSinkOptions = {}): InkSink {
  const events: EngineEvent[] = [];
  let tick = 0;
  const view = () => <ApplyProgress events={[...events]} tick={tick} />;
  const app = render(view(), { stdout: stream, patchConsole: false, exitOnCtrlC: false, interactive: opts.interactive });
  const timer = setInterval(() => {
    tick++;
    if (foldEvents(events).rows.some((r) => r.state === 'running')) app.rerender(view());
  }, opts.frameMs ?? 100);
  timer.unref();
  return {
    sink: (event) => {
      events.push(event);
      app.rerender(view());
    },
    async done() {
      clearInterval(timer);
      app.rerender(view());
      app.unmount();
      await app.waitUntilExit();
    },
  };
}
