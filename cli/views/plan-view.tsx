/**
 * The plan on a rich terminal: the plain plan's sections, with the changes grouped by node and provider
 * and Terraform's glyphs in colour; the summary line stays verbatim. Colour comes from the CLI's own
 * decision (NO_COLOR, --no-color) through the painter, not from ink's sniffing, so it is the same
 * colour as the plain plan's and testable. Pure: props in, frame out.
 */
import { Box, Text, renderToString } from 'ink';
import { hasChanges, type Plan } from '../../planner/change.js';
import { painter, type Painter } from './ansi.js';
import { renderAttributes } from './plan-attributes.js';
import { groupChanges, type PlanGrouping, type TargetGroup } from './plan-groups.js';
import {
  driftSection, forgetSection, glyph, intro, noChanges, recordSection, rolloutSection, runtimeSection, summaryLine, verdict,
  type Actionable, type Shown,
} from './plan-text.js';
import { targetLabel } from './status-text.js';

export interface PlanViewProps {
  plan: Plan;
  groups: readonly TargetGroup[];
  color: boolean;
}

const LEGEND: Array<[Shown, string]> = [['create', 'create'], ['update', 'update in-place'], ['delete', 'destroy'], ['replace', 'destroy and then create replacement']];

export function PlanView({ plan, groups, color }: PlanViewProps) {
  const paint = painter(color);
  if (!hasChanges(plan)) {
    const [first, ...rest] = noChanges(plan);
    return <Blocks blocks={[[paint('green', first), ...rest], driftSection(plan), runtimeSection(plan)]} />;
  }
  return (
    <Box flexDirection="column" rowGap={1}>
      <Blocks blocks={[runtimeSection(plan), driftSection(plan), recordSection(plan), forgetSection(plan)]} />
      {groups.length > 0 && <Text>{legend(groups, paint)}</Text>}
      {groups.length > 0 && <Text>{intro(plan)}</Text>}
      {groups.map((g) => <TargetBlock key={g.target} group={g} paint={paint} />)}
      <Blocks blocks={[rolloutSection(plan)]} />
      <Text>{summaryLine(plan, paint)}</Text>
    </Box>
  );
}

function Blocks({ blocks }: { blocks: string[][] }) {
  const shown = blocks.filter((b) => b.length > 0);
  if (shown.length === 0) return null;
  return (
    <Box flexDirection="column" rowGap={1}>
      {shown.map((lines, i) => <Text key={i}>{lines.join('\n')}</Text>)}
    </Box>
  );
}

function legend(groups: readonly TargetGroup[], paint: Painter): string {
  const used = new Set(groups.flatMap((g) => g.providers.flatMap((p) => p.changes.map((c) => c.action))));
  return LEGEND.filter(([action]) => used.has(action)).map(([action, text]) => `${glyph(action, paint)} ${text}`).join('   ');
}

function TargetBlock({ group, paint }: { group: TargetGroup; paint: Painter }) {
  return (
    <Box flexDirection="column">
      <Text>{paint('bold', targetTitle(group.target))}</Text>
      {group.providers.map((p) => (
        <Box key={p.provider} flexDirection="column" paddingLeft={2}>
          <Text>{paint('cyan', p.provider)}</Text>
          {p.changes.map((c) => <ChangeLines key={c.address} change={c} paint={paint} />)}
        </Box>
      ))}
    </Box>
  );
}

function targetTitle(target: string): string {
  return target === 'stack' ? 'stack (not on one node)' : targetLabel(target);
}

/**
 * `  + address  will be created (not found)`; `-/+` takes the two columns of lead, so addresses align.
 * Values wrap hard, as a terminal would, so a long one is never re-flowed onto a line of its own.
 */
function ChangeLines({ change, paint }: { change: Actionable; paint: Painter }) {
  const lead = change.action === 'replace' ? glyph('replace', paint) : `  ${glyph(change.action, paint)}`;
  const reason = change.reason ? ` (${change.reason})` : '';
  const attributes = renderAttributes(change, paint);
  return (
    <Box flexDirection="column" paddingLeft={2}>
      <Text wrap="hard">{`${lead} ${paint('bold', change.address)}  ${verdict(change)}${reason}`}</Text>
      {attributes.length > 0 && <Text wrap="hard">{attributes.join('\n')}</Text>}
    </Box>
  );
}

/** The plan view as text for stdout, laid out for a terminal `columns` wide. */
export function renderPlanView(plan: Plan, grouping: PlanGrouping, opts: { color: boolean; columns?: number }): string {
  const view = <PlanView plan={plan} groups={groupChanges(plan, grouping)} color={opts.color} />;
  return `${renderToString(view, { columns: opts.columns ?? 80 })}\n`;
}
