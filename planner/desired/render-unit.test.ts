import { describe, expect, it } from 'vitest';
import { renderServiceUnit, systemdQuote, systemdQuoteWord } from './render-unit.js';

describe('systemdQuote', () => {
  it('leaves plain words alone', () => {
    expect(systemdQuote(['/usr/local/bin/node', '--enable-source-maps', 'dist/main.js', 'a=b', 'x@y:1,2+3'])).toBe('/usr/local/bin/node --enable-source-maps dist/main.js a=b x@y:1,2+3');
  });

  it('double-quotes hostile words with C escapes, %% and $$', () => {
    expect(systemdQuoteWord('a b')).toBe('"a b"');
    expect(systemdQuoteWord("it's")).toBe(`"it's"`);
    expect(systemdQuoteWord('"dq"')).toBe('"\\"dq\\""');
    expect(systemdQuoteWord('$HOME')).toBe('"$$HOME"');
    expect(systemdQuoteWord('$(id)')).toBe('"$$(id)"');
    expect(systemdQuoteWord('${X}')).toBe('"$${X}"');
    expect(systemdQuoteWord('%h')).toBe('"%%h"');
    expect(systemdQuoteWord('100%')).toBe('"100%%"');
    expect(systemdQuoteWord('back\\slash')).toBe('"back\\\\slash"');
    expect(systemdQuoteWord(';')).toBe('";"');
    expect(systemdQuoteWord('')).toBe('""');
    expect(systemdQuoteWord('two\nlines\tand\rcr')).toBe('"two\\nlines\\tand\\rcr"');
    expect(systemdQuoteWord('bell\x07')).toBe('"bell\\x07"');
    expect(systemdQuoteWord('é ü')).toBe('"é ü"');
  });

  it('quotes a whole argv, program first', () => {
    expect(systemdQuote(['/bin/sh', '-c', 'echo "$1" > %t/x', 'sh', "a b; it's"])).toBe(
      '/bin/sh -c "echo \\"$$1\\" > %%t/x" sh "a b; it\'s"',
    );
  });

  it('wants an absolute program and no NUL', () => {
    expect(() => systemdQuote(['node', 'x'])).toThrow('ExecStart program must be an absolute path, got "node"');
    expect(() => systemdQuote(['-/bin/true'])).toThrow(/absolute path/);
    expect(() => systemdQuote([])).toThrow(/at least the program/);
    expect(() => systemdQuoteWord('a\0b')).toThrow(/NUL/);
  });
});

const AUTH = {
  description: 'omnitron app auth (shop/prod)',
  execStart: ['/usr/local/bin/node', '--enable-source-maps', '/opt/omnitron/apps/auth/current/dist/main.js'],
  user: 'omnitron-auth',
  group: 'omnitron-auth',
  workingDirectory: '/opt/omnitron/apps/auth/current',
  environmentFile: '/etc/omnitron/auth.env',
  after: ['postgresql.service'],
  wants: ['postgresql.service'],
  stateDirectory: 'omnitron/auth',
  readWritePaths: ['/var/log/omnitron/auth'],
};

describe('renderServiceUnit', () => {
  it('renders restart and hardening defaults, exactly', () => {
    expect(renderServiceUnit(AUTH)).toBe(`[Unit]
Description=omnitron app auth (shop/prod)
After=network-online.target postgresql.service
Wants=network-online.target postgresql.service
StartLimitIntervalSec=300
StartLimitBurst=10

[Service]
Type=exec
User=omnitron-auth
Group=omnitron-auth
WorkingDirectory=/opt/omnitron/apps/auth/current
EnvironmentFile=/etc/omnitron/auth.env
ExecStart=/usr/local/bin/node --enable-source-maps /opt/omnitron/apps/auth/current/dist/main.js
Restart=on-failure
RestartSec=2
TimeoutStopSec=30
KillMode=mixed
StateDirectory=omnitron/auth
ReadWritePaths=/var/log/omnitron/auth
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
UMask=0027

[Install]
WantedBy=multi-user.target
`);
  });

  it('never sets MemoryDenyWriteExecute (V8 needs W+X memory) and refuses it in extra', () => {
    expect(renderServiceUnit(AUTH)).not.toContain('MemoryDenyWriteExecute');
    expect(() => renderServiceUnit({ ...AUTH, extra: { MemoryDenyWriteExecute: 'yes' } })).toThrow(/breaks Node/);
    expect(renderServiceUnit({ ...AUTH, extra: { MemoryDenyWriteExecute: 'no' } })).toContain('MemoryDenyWriteExecute=no\n');
  });

  it('leaves optional settings out and takes restartSec', () => {
    const unit = renderServiceUnit({ description: 'x', execStart: ['/bin/sleep', 'infinity'], user: 'svc', group: 'svc', stateDirectory: 'omnitron/x', restartSec: 5 });
    expect(unit).not.toMatch(/WorkingDirectory|EnvironmentFile|ReadWritePaths/);
    expect(unit).toContain('\nRestartSec=5\n');
    expect(unit).toContain('\nAfter=network-online.target\nWants=network-online.target\n');
  });

  it('extra replaces a default in place or appends', () => {
    const unit = renderServiceUnit({ ...AUTH, extra: { TimeoutStopSec: '90', LimitNOFILE: '65536' } });
    expect(unit).toContain('\nTimeoutStopSec=90\nKillMode=mixed\n');
    expect(unit).toContain('\nUMask=0027\nLimitNOFILE=65536\n\n[Install]');
    expect(unit.match(/TimeoutStopSec/g)).toHaveLength(1);
  });

  it('escapes % in values and quotes paths with spaces', () => {
    const unit = renderServiceUnit({ ...AUTH, description: '100% auth', readWritePaths: ['/srv/a b', '/srv/c'], workingDirectory: '/srv/100%' });
    expect(unit).toContain('Description=100%% auth\n');
    expect(unit).toContain('ReadWritePaths="/srv/a b" /srv/c\n');
    expect(unit).toContain('WorkingDirectory=/srv/100%%\n');
  });

  it('refuses values that would break the file or escape /var/lib', () => {
    expect(() => renderServiceUnit({ ...AUTH, description: 'a\nExecStartPre=/bin/evil' })).toThrow(/line breaks/);
    expect(() => renderServiceUnit({ ...AUTH, stateDirectory: '../etc' })).toThrow(/stateDirectory/);
    expect(() => renderServiceUnit({ ...AUTH, stateDirectory: '/var/lib/x' })).toThrow(/stateDirectory/);
    expect(() => renderServiceUnit({ ...AUTH, user: 'root; rm' })).toThrow(/not a valid user/);
    expect(() => renderServiceUnit({ ...AUTH, workingDirectory: 'relative' })).toThrow(/absolute/);
    expect(() => renderServiceUnit({ ...AUTH, restartSec: 0 })).toThrow(/restartSec/);
    expect(() => renderServiceUnit({ ...AUTH, extra: { 'Exec Start': 'x' } })).toThrow(/setting name/);
  });
});
