/**
 * The files a stack runs from: each app's bootstrap or script must exist (and be a file) before plan
 * packs or starts anything, or the agent fails on it later; on a local stack each bind mount's
 * source must exist, or Docker refuses to create the container; on nodes each `ssh.privateKey`
 * must exist, or connecting fails, and each app's dependencies must come from a lockfile a release can
 * be installed from. Separate from loading because it reads build output and keys,
 * which configs are often checked without (checkedStack runs it).
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { error, type Diagnostic } from '../diagnostics.js';
import type { Ecosystem, StackModel } from './model.js';
import { formatPath } from '../../contract/field-path.js';
import { isBindSource } from './normalize-docker.js';
import { declarationOf } from './validate-ecosystem.js';
import { readAppDependencies } from './app-dependencies.js';

export function checkStackFiles(eco: Ecosystem, model: StackModel): Diagnostic[] {
  return [...entryPoints(model), ...(model.stack.type === 'local' ? bindSources(eco, model) : [...privateKeys(model), ...releaseDependencies(model)])];
}

/** On nodes an app's release carries its production dependencies, read from its lockfile (a local stack runs apps in place, with the node_modules they have). */
function releaseDependencies(model: StackModel): Diagnostic[] {
  return model.apps.flatMap((app) => {
    const read = readAppDependencies(app.name, app.root, model.root, { file: model.file, path: formatPath(['apps', app.index]) });
    return read.kind === 'error' ? read.diagnostics : [];
  });
}

/** The SSH provider reads the key file as given, with `~` for the home directory. */
function privateKeys(model: StackModel): Diagnostic[] {
  return model.stack.nodes.flatMap((node, i) => {
    const key = node.ssh.privateKey;
    if (key === undefined) return [];
    const file = key === '~' || key.startsWith('~/') ? join(homedir(), key.slice(1)) : key;
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat?.isFile()) return [];
    return [error(`private key ${key} ${stat ? 'is not a file' : 'does not exist'}`, {
      detail: 'point it at the private key (e.g. "~/.ssh/id_ed25519"), or leave it out to use ~/.ssh/id_ed25519, id_ecdsa, id_rsa or ssh-agent',
      file: model.file, path: formatPath(['stacks', model.stack.name, 'nodes', i, 'ssh', 'privateKey']),
    })];
  });
}

function entryPoints(model: StackModel): Diagnostic[] {
  return model.apps.flatMap((app) => {
    const kind = app.bootstrap ? 'bootstrap' : 'script';
    const file = app.bootstrap ?? app.script!;
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat?.isFile()) return [];
    const shown = relative(model.root, file);
    const summary = stat ? `${kind} ${shown} is a directory, not a file` : `${kind} ${shown} does not exist`;
    return [error(summary, {
      detail: `build the app first (omnitron runs its build output as is), or fix the path; the agent starts "${app.name}" from this file`,
      file: model.file, path: formatPath(['apps', app.index, kind]),
    })];
  });
}

function bindSources(eco: Ecosystem, model: StackModel): Diagnostic[] {
  return model.services.flatMap((svc) => Object.entries(svc.docker?.volumes ?? {}).flatMap(([key, v]) => {
    if (!isBindSource(v.source) || statSync(v.source, { throwIfNoEntry: false })) return [];
    const decl = declarationOf(eco, model.stack.name, svc);
    return [error(`bind mount source ${relative(model.root, v.source) || '.'} does not exist`, {
      detail: `Docker mounts an existing file or directory into ${svc.name} at ${v.target}; create it, or use a named volume (a source without "/" or ".")`,
      file: decl?.file ?? eco.file, path: formatPath([...(decl?.prefix ?? ['stacks', model.stack.name, 'serviceOverrides', svc.name]), 'docker', 'volumes', key]),
    })];
  }));
}
