import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEREGISTER_SCRIPT, HEARTBEAT_SCRIPT, REAP_SCRIPT } from './scripts.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPTS = [HEARTBEAT_SCRIPT, DEREGISTER_SCRIPT, REAP_SCRIPT];

describe('embedded Lua scripts', () => {
  it('lua-sources.ts is current with lua/*.lua (regenerate with node lua/embed.mjs)', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'lua/embed.mjs'), '--check'], { encoding: 'utf8', cwd: ROOT });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.each(SCRIPTS)('$name: the source and SHA1 are those of lua/$name.lua', (s) => {
    const file = readFileSync(path.join(ROOT, 'lua', `${s.name}.lua`), 'utf8');
    expect(s.source).toBe(file);
    expect(s.sha).toBe(createHash('sha1').update(file).digest('hex'));
  });

  it.each(SCRIPTS)('$name: opens with a header naming KEYS, ARGV and the return value, and declares everything local', (s) => {
    const header = s.source.split('\n').filter((l) => l.startsWith('--')).join('\n');
    expect(header).toMatch(/KEYS\[1\]/);
    expect(header).toMatch(/ARGV\[1\]/);
    expect(header).toMatch(/Returns /);
    const code = s.source.split('\n').filter((l) => !l.trimStart().startsWith('--'));
    const globals = code.filter((l) => /^\s*[A-Za-z_]\w*\s*=[^=]/.test(l) || /^\s*function\s/.test(l));
    expect(globals).toEqual([]);
  });
});
