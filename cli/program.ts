/**
 * The command line: commander definitions only. Each command's module is imported when it runs, so
 * `plan` never pays for ink and `--help` pays for nothing.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { createOutput, type Output } from './output.js';
import { OMNITRON_VERSION } from '../contract/version.js';
import { parseDuration } from '../planner/config/durations.js';
import { timed } from '../planner/timing.js';

export type Run = (out: Output) => Promise<number>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

function lockWait(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('expected a duration like "30s", "5m" or "1h"');
  return ms;
}

function interval(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms < 200) throw new InvalidArgumentError('expected a duration of at least 200ms, like "2s" or "10s"');
  return ms;
}

/** For every command that takes the state lock. */
function lockWaitOption(cmd: Command): Command {
  return cmd.addOption(new Option('--lock-wait <duration>', 'wait this long (e.g. 5m) for a state lock another omnitron holds, instead of failing at once').argParser(lockWait));
}

function serial(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a serial (a whole number of at least 1)');
  return n;
}

/** The agent's limit on one log request. */
const MAX_LOG_LINES = 10_000;

function lineCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_LOG_LINES) throw new InvalidArgumentError(`expected a whole number from 0 to ${MAX_LOG_LINES}`);
  return n;
}

/** `status` and `logs` send control tokens, so they never trust a host seen for the first time (no --trust-new-hosts). */
function stackOptions(cmd: Command, opts = { newHosts: true }): Command {
  cmd
    .option('-c, --config <path>', 'config file (default: omnitron.config.ts, .js or .mjs in the current directory)')
    .option('-s, --stack <name>', 'stack to work on (default: "dev", or the only stack defined)')
    .option('--strict', 'treat unknown config keys as errors, not warnings')
    .option('--no-color', 'plain output without ANSI colours (NO_COLOR also works)');
  if (!opts.newHosts) return cmd;
  return cmd.option('--trust-new-hosts', 'accept the SSH host key of a node seen for the first time and pin it in state (a changed key is always refused)');
}

export function buildProgram(onRun: (run: Run, color: boolean) => Promise<void>): Command {
  const program = new Command('omnitron')
    .version(OMNITRON_VERSION)
    .description('Declarative provisioning for Omnitron ecosystems: plan what will change, apply it, catch drift.')
    .option('--verbose', 'show stack traces for unexpected errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false });

  stackOptions(program.command('plan'))
    .description('show what apply would change, comparing the config with what really runs')
    .option('--detailed-exitcode', 'exit 0 when nothing would change, 2 when something would, 1 on error')
    .option('--json', 'print the plan as JSON (no secret values)')
    .option('--out <file>', 'save the plan (encrypted) so `omnitron apply FILE` does exactly this')
    .option('--target <address>', 'only this resource and what it depends on (repeatable)', collect)
    .option('--replace <address>', 'replace this resource even if it has not changed (repeatable)', collect)
    .option('--destroy', 'show what `omnitron destroy` would delete')
    .option('--allow-empty', 'plan even when the config runs no apps and would delete what state holds')
    .option('--refresh-only', 'show only what changed outside omnitron (with --detailed-exitcode: 2 only for that)')
    .action((flags, cmd: Command) => onRun(async (out) => (await timed('load the plan command', () => import('./commands/plan.js'))).planCommand(flags, out), cmd.opts().color !== false));

  lockWaitOption(stackOptions(program.command('apply')))
    .argument('[plan-file]', 'a plan saved with `omnitron plan -out FILE`; applied exactly, without a prompt')
    .description('make the real infrastructure match the config (asks for "yes" first)')
    .option('--auto-approve', 'skip the confirmation prompt')
    .addOption(new Option('--parallelism <n>', 'how many resources to work on at once').argParser(positiveInt).default(10))
    .option('--target <address>', 'only this resource and what it depends on (repeatable)', collect)
    .option('--replace <address>', 'replace this resource even if it has not changed (repeatable)', collect)
    .option('--json', 'progress as JSON lines')
    .option('--allow-empty', 'apply even when the config runs no apps and would delete what state holds')
    .option('--refresh-only', 'record what changed outside omnitron in state; changes nothing live')
    .action((file: string | undefined, flags, cmd: Command) => onRun(async (out) => (await import('./commands/apply.js')).applyCommand(file, flags, out), cmd.opts().color !== false));

  stackOptions(program.command('drift'), { newHosts: false })
    .description('report what changed outside omnitron, apps not running as configured, and config changes not yet applied; read-only, no lock')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--ignore <address>', 'leave out this resource (or app.NAME: an app\'s runtime drift) in this run (repeatable)', collect)
    .addHelpText('after', '\nExit codes: 0 no drift; 1 error; 2 changed outside omnitron or apps not running as configured; 3 only config changes not yet applied.')
    .action((flags, cmd: Command) => onRun(async (out) => (await import('./commands/drift.js')).driftCommand(flags, out), cmd.opts().color !== false));

  lockWaitOption(stackOptions(program.command('destroy')))
    .description('delete everything this stack created (data volumes only with --volumes)')
    .option('--auto-approve', 'skip the confirmation prompt')
    .option('--volumes', 'also delete data volumes (databases, Redis data): this loses data')
    .addOption(new Option('--parallelism <n>', 'how many resources to work on at once').argParser(positiveInt).default(10))
    .option('--json', 'progress as JSON lines')
    .action((flags, cmd: Command) => onRun(async (out) => (await import('./commands/apply.js')).applyCommand(undefined, flags, out, 'destroy'), cmd.opts().color !== false));

  lockWaitOption(stackOptions(program.command('dev')))
    .description('apply a local stack with the apps\' `dev` settings, then restart each app when files under its `watch` directory change, streaming the apps\' logs until Ctrl-C')
    .option('--down', 'on Ctrl-C, destroy the stack (data volumes are kept) instead of leaving it running')
    .addOption(new Option('--parallelism <n>', 'how many resources to work on at once').argParser(positiveInt).default(10))
    .action((flags, cmd: Command) => onRun(async (out) => (await import('./commands/dev.js')).devCommand(flags, out), cmd.opts().color !== false));

  stackOptions(program.command('validate'))
    .description('check the config and the apps\' config/default.json files; touches nothing')
    .option('--json', 'print the result as JSON')
    .action((flags, cmd: Command) => onRun(async (out) => (await import('./commands/inspect.js')).validateCommand(flags, out), cmd.opts().color !== false));

  stackOptions(program.command('graph'))
    .description('print the resource dependency graph in DOT (pipe into `dot -Tsvg`)')
    .action((flags, cmd: Command) => onRun(async (out) => (await import('./commands/inspect.js')).graphCommand(flags, out), cmd.opts().color !== false));

  stackOptions(program.command('status'), { newHosts: false })
    .description('ask every node\'s agent how its apps are doing: state, pid, uptime, restarts, last exit, health')
    .option('--json', 'print one JSON document (with --watch: one per refresh, a line each)')
    .option('-w, --watch', 'keep the table on screen, refreshed from the agents (state, restarts, health, CPU, RSS, uptime), until Ctrl-C')
    .addOption(new Option('--interval <duration>', 'with --watch: time between refreshes (e.g. 2s, 10s)').argParser(interval).default(2_000, '2s'))
    .action((flags, cmd: Command) => onRun(async (out) => (await import('./commands/status.js')).statusCommand(flags, out), cmd.opts().color !== false));

  stackOptions(program.command('logs'), { newHosts: false })
    .argument('<app>', 'the app whose log to print, from every node that runs it')
    .description('print an app\'s log lines from the agents that run it ([node] in front when several do)')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .addOption(new Option('-n, --lines <n>', 'lines of history to print first (agent default: 100)').argParser(lineCount))
    .option('--process <name>', 'only this process of a multi-process app')
    .action((app: string, flags, cmd: Command) => onRun(async (out) => (await import('./commands/logs.js')).logsCommand(app, flags, out), cmd.opts().color !== false));

  stackOptions(program.command('releases'), { newHosts: false })
    .argument('<app>', 'the app whose releases to list, on every node that runs it')
    .description('list the releases each node of an app keeps (the last five), newest first: when made current, and current, previous, failed or kept')
    .option('--json', 'print one JSON document')
    .addHelpText('after', '\nExit codes: 0 listed; 1 error (unknown app, a node that cannot be reached).')
    .action((app: string, flags, cmd: Command) => onRun(async (out) => (await import('./commands/releases.js')).releasesCommand(app, flags, out), cmd.opts().color !== false));

  lockWaitOption(stackOptions(program.command('rollback'), { newHosts: false }))
    .argument('<app>', 'the app to roll back, on every node that runs it')
    .description('switch an app back to a release its nodes keep, one node at a time, each healthy before the next; recorded in state')
    .option('--to <release>', 'the release to switch to: its digest or a prefix of 7+ characters (default: the previous one, see `omnitron releases APP`)')
    .addHelpText('after', '\nExit codes: 0 every node runs the release (or already did); 1 error: nothing changed on the node named, nodes before it were rolled back.')
    .action((app: string, flags, cmd: Command) => onRun(async (out) => (await import('./commands/rollback.js')).rollbackCommand(app, flags, out), cmd.opts().color !== false));

  const state = program.command('state').description('read, move and reorganise the recorded state');
  stackOptions(state.command('list'))
    .description('list every resource address in state')
    .action((flags, cmd: Command) => onRun(async (out) => (await import('./commands/inspect.js')).stateListCommand(flags, out), cmd.opts().color !== false));
  stackOptions(state.command('show'))
    .argument('<address>', 'resource address, e.g. docker_container.postgres')
    .description('show one resource as state records it (secrets masked)')
    .action((address: string, flags, cmd: Command) => onRun(async (out) => (await import('./commands/inspect.js')).stateShowCommand(address, flags, out), cmd.opts().color !== false));
  lockWaitOption(stackOptions(state.command('rm')))
    .argument('<address...>', 'resource addresses, e.g. ssh_known_host.web-1')
    .description('forget resources: state stops tracking them, nothing on any node is touched')
    .action((addresses: string[], flags, cmd: Command) => onRun(async (out) => (await import('./commands/state-rm.js')).stateRmCommand(addresses, flags, out), cmd.opts().color !== false));
  lockWaitOption(stackOptions(state.command('mv')))
    .argument('<from>', 'the address state records, e.g. docker_container.cache')
    .argument('<to>', 'the new address, of the same type, e.g. docker_container.redis')
    .description('rename a resource in state without touching it (the next plan sees it at the new address)')
    .action((from: string, to: string, flags, cmd: Command) => onRun(async (out) => (await import('./commands/state.js')).stateMvCommand(from, to, flags, out), cmd.opts().color !== false));
  stackOptions(state.command('history'))
    .description('list the versions of the stack\'s state kept (serial, time, size, lineage)')
    .option('--json', 'print one JSON document')
    .action((flags, cmd: Command) => onRun(async (out) => (await import('./commands/state.js')).stateHistoryCommand(flags, out), cmd.opts().color !== false));
  stackOptions(state.command('pull'))
    .description('print the stack\'s state document (secrets stay sealed), or one version from its history')
    .option('--out <file>', 'write it to this file (mode 0600) instead of stdout')
    .addOption(new Option('--serial <n>', 'a version from `state history` instead of the current state').argParser(serial))
    .action((flags, cmd: Command) => onRun(async (out) => (await import('./commands/state.js')).statePullCommand(flags, out), cmd.opts().color !== false));
  lockWaitOption(stackOptions(state.command('push')))
    .argument('<file>', 'a state document, as `state pull` writes it')
    .description('replace the stack\'s state with FILE: same lineage, a higher serial, readable with the state key')
    .action((file: string, flags, cmd: Command) => onRun(async (out) => (await import('./commands/state.js')).statePushCommand(file, flags, out), cmd.opts().color !== false));
  lockWaitOption(stackOptions(state.command('migrate')))
    .description('move the stack\'s state and its history to Postgres or back to the local file')
    .requiredOption('--to <target>', '"postgres://USER:PASSWORD@HOST:PORT/DATABASE", or "file" for .omnitron/<stack>/state.json')
    .option('--schema <name>', 'schema for omnitron\'s tables at a Postgres target (default: omnitron)')
    .action((flags, cmd: Command) => onRun(async (out) => (await import('./commands/state-migrate.js')).stateMigrateCommand(flags, out), cmd.opts().color !== false));
  lockWaitOption(stackOptions(state.command('rekey')))
    .description('re-seal the stack\'s secrets with the current state key (the previous key is still read meanwhile)')
    .option('--new-key', 'first make a new key file, keeping the old key as <key file>.previous')
    .action((flags, cmd: Command) => onRun(async (out) => (await import('./commands/state-rekey.js')).stateRekeyCommand(flags, out), cmd.opts().color !== false));

  lockWaitOption(stackOptions(program.command('import')))
    .argument('<address>', 'the config\'s resource address, e.g. postgres_database.ledger')
    .argument('<id>', 'the live object: its name (database, role, container, user, unit), path, DB index or id')
    .description('bring an existing object this state did not create under its management; changes nothing live')
    .action((address: string, id: string, flags, cmd: Command) => onRun(async (out) => (await import('./commands/import.js')).importCommand(address, id, flags, out), cmd.opts().color !== false));

  stackOptions(program.command('tor'), { newHosts: false })
    .description('print each Tor hidden service of the stack: name → .onion address')
    .option('--json', 'print one JSON document')
    .action((flags, cmd: Command) => onRun(async (out) => (await import('./commands/tor.js')).torCommand(flags, out), cmd.opts().color !== false));

  const discovery = program.command('discovery').description('read the stack\'s service discovery registry');
  stackOptions(discovery.command('ls'), { newHosts: false })
    .description('list the live nodes in discovery: id, address, services (name@version), last heartbeat')
    .option('--service <name[@version]>', 'only nodes hosting this service (exactly this version, when given)')
    .option('--json', 'print one JSON document')
    .action((flags, cmd: Command) => onRun(async (out) => (await import('./commands/discovery.js')).discoveryLsCommand(flags, out), cmd.opts().color !== false));

  stackOptions(program.command('maintenance'), { newHosts: false })
    .description('put the stack\'s gateway in maintenance (503 with the maintenance page) or take it out, through the stack\'s Redis; no restart')
    .argument('<action>', 'on, off or status')
    .option('--message <text>', 'with `on`: the text the generated gateway\'s maintenance page shows')
    .option('--json', 'print one JSON document: {stack, key, on, message?}')
    .action((action: string, flags, cmd: Command) => onRun(async (out) => (await import('./commands/maintenance.js')).maintenanceCommand(action, flags, out), cmd.opts().color !== false));

  stackOptions(program.command('force-unlock'))
    .argument('<lock-id>', 'the id printed in the "state is locked" error')
    .description('remove a state lock left behind by a process that is gone')
    .action((id: string, flags, cmd: Command) => onRun(async (out) => (await import('./commands/inspect.js')).forceUnlockCommand(id, flags, out), cmd.opts().color !== false));

  return program;
}

export { createOutput };
