import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { displayCommand, quoteWord, shellCommand, withEnv, withSudo } from './argv.js';

const HOSTILE = [
  'a b', "it's", '"double"', '; rm -rf /', '$(id)', '`id`', '$HOME', '*', '~', 'back\\slash', 'two\nlines', '',
  '-n', '#comment', 'A=b', '!x', 'tab\there', 'é ü', '{a,b}', 'x && y', 'a|b', '>out', "''", "'\\''",
];

describe('shellCommand', () => {
  it('leaves plain words alone and single-quotes everything else', () => {
    expect(shellCommand(['systemctl', 'restart', 'app@1.service'])).toBe('systemctl restart app@1.service');
    expect(shellCommand(['echo', 'a b'])).toBe("echo 'a b'");
    expect(shellCommand(['echo', "it's"])).toBe("echo 'it'\\''s'");
    expect(shellCommand(['echo', '$(id)', '`id`', '$HOME'])).toBe("echo '$(id)' '`id`' '$HOME'");
    expect(shellCommand(['echo', '; rm -rf /'])).toBe("echo '; rm -rf /'");
    expect(shellCommand(['echo', ''])).toBe("echo ''");
    expect(shellCommand(['echo', 'two\nlines'])).toBe("echo 'two\nlines'");
    expect(shellCommand(['echo', '~', '*', '#x'])).toBe("echo '~' '*' '#x'");
  });

  it('quotes a first word with = so the shell cannot read it as an assignment', () => {
    expect(shellCommand(['A=b', 'ls'])).toBe("'A=b' ls");
  });

  it('refuses NUL bytes and empty commands', () => {
    expect(() => quoteWord('a\0b')).toThrow(/NUL/);
    expect(() => shellCommand([])).toThrow(/empty/);
  });

  it('is read back by a real POSIX shell into exactly the same words', () => {
    for (const shell of ['sh', 'bash']) {
      const line = shellCommand(['printf', '%s\\0', ...HOSTILE]);
      const result = spawnSync(shell, ['-c', line], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(result.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE);
    }
  });
});

describe('withSudo', () => {
  it('runs through sudo -n for non-root users only', () => {
    expect(withSudo(['id', '-u'], 'deploy')).toEqual(['sudo', '-n', '--', 'id', '-u']);
    expect(withSudo(['id', '-u'], 'root')).toEqual(['id', '-u']);
    expect(shellCommand(withSudo(['touch', 'a b'], 'deploy'))).toBe("sudo -n -- touch 'a b'");
  });
});

describe('withEnv', () => {
  it('passes variables as env words', () => {
    expect(withEnv(['printenv', 'A'], { A: '1', B: "x 'y'" })).toEqual(['env', 'A=1', "B=x 'y'", 'printenv', 'A']);
    expect(shellCommand(withEnv(['run'], { B: '$(id); x' }))).toBe("env 'B=$(id); x' run");
    expect(withEnv(['true'], undefined)).toEqual(['true']);
  });

  it('rejects names env could not take', () => {
    expect(() => withEnv(['true'], { 'A B': '1' })).toThrow(/invalid environment variable name "A B"/);
    expect(() => withEnv(['true'], { '1A': '1' })).toThrow(/invalid/);
    expect(() => withEnv(['X=1'], { A: '1' })).toThrow(/would be read by env as a variable/);
  });
});

describe('displayCommand', () => {
  it('hides the values passed through env', () => {
    expect(displayCommand(['env', 'PGPASSWORD=s3cret', 'A=1', 'psql', '-c', 'B=2'])).toBe("env 'PGPASSWORD=…' 'A=…' psql -c 'B=2'");
    expect(displayCommand(['sudo', '-n', '--', 'env', 'TOKEN=t', 'run'])).toBe("sudo -n -- env 'TOKEN=…' run");
    expect(displayCommand(['echo', 'A=1'])).toBe("echo 'A=1'");
  });
});
