/**
 * Remote commands are argv arrays until the last moment. SSH carries one command string that the login
 * shell parses, so this file is the one place an argv becomes a string: every word is POSIX single-quoted
 * (inside single quotes nothing is special except the quote itself, written `'\''`). A login shell that
 * is not POSIX (csh, fish) would parse it differently; nodes are expected to use sh/bash/dash.
 */

// `=` is left out: an unquoted first word `A=b` would be an assignment, not a command.
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** One word, quoted so any POSIX shell reads it back byte for byte. */
export function quoteWord(word: string): string {
  if (word.includes('\0')) throw new Error('a command argument cannot contain a NUL byte');
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The command line a POSIX shell parses back into exactly `argv`. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(quoteWord).join(' ');
}

/** Runs `argv` as root through sudo for non-root users; `-n` fails instead of waiting for a password. */
export function withSudo(argv: readonly string[], user: string): string[] {
  return user === 'root' ? [...argv] : ['sudo', '-n', '--', ...argv];
}

/** Passes variables as `env K=V … argv` words (never pasted into the shell string, never via SSH setenv, which sshd filters). */
export function withEnv(argv: readonly string[], env: Readonly<Record<string, string>> | undefined): string[] {
  const names = Object.keys(env ?? {});
  if (names.length === 0) return [...argv];
  if (argv[0]?.includes('=')) throw new Error(`command ${JSON.stringify(argv[0])} would be read by env as a variable`);
  for (const name of names) {
    if (!ENV_NAME.test(name)) throw new Error(`invalid environment variable name ${JSON.stringify(name)}`);
  }
  return ['env', ...names.map((name) => `${name}=${env![name]}`), ...argv];
}

/** The command for messages: the values after `env` are hidden, since callers pass secrets that way. */
export function displayCommand(argv: readonly string[]): string {
  const shown = [...argv];
  const envAt = argv.indexOf('env');
  for (let i = envAt + 1; envAt >= 0 && i < shown.length && ASSIGNMENT.test(shown[i]); i++) {
    shown[i] = `${shown[i].slice(0, shown[i].indexOf('='))}=…`;
  }
  return shellCommand(shown);
}
