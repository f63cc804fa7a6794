/**
 * What the CLI says when started by a Node older than it needs. Loaded by main.ts only then, so it
 * must parse and link on every Node still in use (18, 20, 22): plain imports only.
 */
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { PACKAGE_ROOT } from '../contract/package-files.js';
import { shellCommand } from '../providers/ssh/argv.js';
import { REQUIRED_NODE_MAJOR } from './required-node.js';

export { nodeMajor, REQUIRED_NODE_MAJOR } from './required-node.js';

export interface NodeFacts {
  version: string;
  execPath: string;
  cwd: string;
  args: readonly string[];
  /** The omnitron package's own directory. */
  packageRoot: string;
  /** The Node 24 `npm ci` installs beside omnitron (its `node` dependency), when present. */
  shippedNode?: string;
}

/** One line: the Node needed, the Node found, and a command that works from here. */
export function tooOldNodeMessage(facts: NodeFacts): string {
  const found = `omnitron needs Node.js ${REQUIRED_NODE_MAJOR} or newer, but ${facts.execPath} is ${facts.version}`;
  if (facts.shippedNode) return `${found}; run \`${commandWithShippedNode(facts, facts.shippedNode)}\` (the Node ${REQUIRED_NODE_MAJOR} that \`npm ci\` installed beside omnitron)`;
  return `${found}; install Node.js ${REQUIRED_NODE_MAJOR} (nodejs.org, or \`nvm install ${REQUIRED_NODE_MAJOR}\`), then run \`${shellCommand(['omnitron', ...facts.args])}\` again`;
}

function commandWithShippedNode(facts: NodeFacts, node: string): string {
  const inside = facts.cwd === facts.packageRoot || facts.cwd.startsWith(facts.packageRoot + sep);
  // npx puts the package's node_modules/.bin, with its Node 24, first on PATH.
  if (inside) return shellCommand(['npx', 'omnitron', ...facts.args]);
  return shellCommand([relativeOrAbsolute(facts.cwd, node), relativeOrAbsolute(facts.cwd, join(facts.packageRoot, 'dist', 'cli', 'main.js')), ...facts.args]);
}

function relativeOrAbsolute(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith('..') ? path : `./${rel}`;
}

/** The facts about the running process. */
export function currentNodeFacts(): NodeFacts {
  const packageRoot = PACKAGE_ROOT;
  const shipped = join(packageRoot, 'node_modules', '.bin', 'node');
  return {
    version: process.version,
    execPath: process.execPath,
    cwd: process.cwd(),
    args: process.argv.slice(2),
    packageRoot,
    ...(existsSync(shipped) ? { shippedNode: shipped } : {}),
  };
}
