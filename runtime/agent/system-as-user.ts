/**
 * Reads an app's defineSystem without running the app's code as root: the agent (root on a node)
 * starts itself again as a short-lived child under the app's user (`agent system --bootstrap B`),
 * which imports the bootstrap and prints the definition as JSON; the agent takes it back as data.
 */
import { execFile } from 'node:child_process';
import { checkDefinition, type SystemDefinition } from './system-definition.js';
import type { OsUser } from './os-user.js';
import { runAs } from './run-as.js';

const READ_TIMEOUT_MS = 15_000;
const MAX_OUTPUT = 1024 * 1024;

export interface SystemReader {
  /** The Node binary and the agent bundle to start the child with. */
  execPath: string;
  bundle: string;
}

export function readSystemAs(bootstrap: string, user: OsUser, cwd: string, reader: SystemReader): Promise<SystemDefinition> {
  const [command, ...args] = runAs(user, [reader.execPath, reader.bundle, 'system', '--bootstrap', bootstrap]);
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: user.home, USER: user.name, LOGNAME: user.name };
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, timeout: READ_TIMEOUT_MS, maxBuffer: MAX_OUTPUT, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        const why = err.killed ? `did not answer within ${READ_TIMEOUT_MS / 1000} s` : (stderr.trim().split('\n').pop() || err.message);
        return reject(new Error(`reading defineSystem as user ${user.name}: ${why}`));
      }
      try {
        resolve(checkDefinition(JSON.parse(stdout) as unknown, bootstrap));
      } catch (parseErr) {
        reject(parseErr instanceof SyntaxError ? new Error(`reading defineSystem as user ${user.name}: not a definition on stdout`) : parseErr);
      }
    });
  });
}
