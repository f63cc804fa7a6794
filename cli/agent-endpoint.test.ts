import { describe, expect, it } from 'vitest';
import { NODE_AGENT } from '../contract/agent/layout.js';
import { RecordingTransport } from '../providers/ssh/recording-transport.js';
import type { StreamExecOptions, Transport } from '../planner/transport.js';
import { clientArgv, clientProblem, httpProblem, remoteEndpoint } from './agent-endpoint.js';

const NODE_BIN = '/opt/omnitron/node/v24.1.0/bin/node';
const TOKEN = 'eyJhbGciOiJFZERTQSJ9.e30.c2ln';
const agent = { nodeBinary: NODE_BIN, paths: NODE_AGENT };

function remote(transport: Transport) {
  return remoteEndpoint({ node: 'web-1', transport: async () => transport, nodeBinary: NODE_BIN, paths: NODE_AGENT, token: async () => TOKEN });
}

describe('clientArgv', () => {
  it('runs the agent bundle with the node runtime, the socket, and the log options as separate words', () => {
    expect(clientArgv(NODE_BIN, NODE_AGENT, 'status')).toEqual([NODE_BIN, '/opt/omnitron/runtime/agent.mjs', 'client', 'status', '--socket', '/run/omnitron/agent.sock']);
    expect(clientArgv(NODE_BIN, NODE_AGENT, ['logs', 'a b', { lines: 0, follow: true, process: 'worker' }])).toEqual([
      NODE_BIN, '/opt/omnitron/runtime/agent.mjs', 'client', 'logs', 'a b', '--socket', '/run/omnitron/agent.sock', '--lines', '0', '--follow', '--process', 'worker',
    ]);
    expect(clientArgv(NODE_BIN, NODE_AGENT, ['logs', 'api', {}]).slice(3)).toEqual(['logs', 'api', '--socket', '/run/omnitron/agent.sock']);
  });
});

describe('remoteEndpoint', () => {
  it('passes the token on stdin only, as root, and parses the status', async () => {
    const fake = new RecordingTransport('node.web-1').respond([NODE_BIN], { stdout: '{"node":"web-1","agent":{"state":"running"},"apps":[]}\n' });
    expect(await remote(fake).status()).toMatchObject({ node: 'web-1', apps: [] });
    expect(fake.calls).toEqual([{ kind: 'exec', argv: clientArgv(NODE_BIN, NODE_AGENT, 'status'), stdin: `${TOKEN}\n`, env: undefined, privileged: true }]);
  });

  it('names each way the agent client fails, without the token', async () => {
    const fails = async (code: number, stderr: string) => {
      const err = await remote(new RecordingTransport().respond([NODE_BIN], { code, stderr })).status().then(() => expect.fail('the status call succeeded'), (e: Error & { hint?: string }) => e);
      expect(JSON.stringify({ m: err.message, h: err.hint })).not.toContain(TOKEN);
      return err;
    };
    expect((await fails(1, '{"status":401,"error":"unauthorized","reason":"token expired"}\n')).message).toBe("the agent refused omnitron's control token (token expired)");
    expect((await fails(3, '{"error":"agent request over /run/omnitron/agent.sock failed: ECONNREFUSED"}\n')).message).toBe('agent not running: nothing answers on /run/omnitron/agent.sock (ECONNREFUSED)');
    expect((await fails(127, 'sh: 1: /opt/omnitron/node/v24.1.0/bin/node: not found\n')).message).toBe(`agent not installed: ${NODE_BIN} is missing`);
    expect((await fails(1, "node:internal/modules/cjs/loader:1228\n  throw err;\nError: Cannot find module '/opt/omnitron/runtime/agent.mjs'\n")).message).toBe('agent not installed: /opt/omnitron/runtime/agent.mjs is missing');
    expect((await fails(2, 'unknown client command "status"\nusage: …\n')).message).toBe('the agent on this node does not understand this omnitron\'s request: unknown client command "status"');
    expect((await fails(1, 'sudo: a password is required\n')).message).toBe('the agent client exited with 1: sudo: a password is required');
    expect((await remote(new RecordingTransport().respond([NODE_BIN], { stdout: 'not json' })).status().then(() => expect.fail('the status call succeeded'), (e: Error) => e)).message).toMatch(/not a status document/);
  });

  it('reports a node it cannot reach as unreachable, keeping the connection hint', async () => {
    const endpoint = remoteEndpoint({ node: 'web-1', transport: () => Promise.reject(Object.assign(new Error('cannot connect to node web-1 (root@10.0.0.1:22): ECONNREFUSED'), { hint: 'Is sshd running?' })), nodeBinary: NODE_BIN, paths: NODE_AGENT, token: async () => TOKEN });
    await expect(endpoint.status()).rejects.toMatchObject({ message: 'unreachable: cannot connect to node web-1 (root@10.0.0.1:22): ECONNREFUSED', hint: 'Is sshd running?' });
  });

  it('reads log lines from a transport that cannot stream, and refuses to follow over it', async () => {
    const fake = new RecordingTransport().respond([NODE_BIN], { stdout: 'one\ntwo\n' });
    const lines: string[] = [];
    await remote(fake).logs('api', { lines: 2 }, (l) => lines.push(l));
    expect(lines).toEqual(['one', 'two']);
    await expect(remote(fake).logs('api', { follow: true }, () => undefined)).rejects.toThrow(/cannot follow logs over node.test: its transport does not stream/);
  });

  it('streams lines split across chunks, and an abort ends the stream quietly', async () => {
    const seen: Array<{ argv: readonly string[]; stdin?: string }> = [];
    const streaming: Transport = Object.assign(new RecordingTransport(), {
      execStream: (argv: readonly string[], opts: StreamExecOptions) => {
        seen.push({ argv, stdin: String(opts.stdin) });
        opts.onStdout(Buffer.from('first li'));
        opts.onStdout(Buffer.from('ne\nsecond\nthi'));
        opts.onStdout(Buffer.from([0xc3]));
        opts.onStdout(Buffer.from([0xa9, 0x0a]));
        return new Promise<never>((_resolve, reject) => opts.signal!.addEventListener('abort', () => reject(opts.signal!.reason)));
      },
    });
    const lines: string[] = [];
    const abort = new AbortController();
    const following = remote(streaming).logs('api', { follow: true }, (l) => lines.push(l), abort.signal);
    await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    await expect(following).resolves.toBeUndefined();
    expect(lines).toEqual(['first line', 'second', 'thié']);
    expect(seen).toEqual([{ argv: clientArgv(NODE_BIN, NODE_AGENT, ['logs', 'api', { follow: true }]), stdin: `${TOKEN}\n` }]);
  });

  it('reports an unknown app or process the agent refuses', async () => {
    const streaming: Transport = Object.assign(new RecordingTransport(), {
      execStream: async () => ({ code: 1, stderr: '{"status":404,"error":"unknown app \\"x\\""}\n' }),
    });
    await expect(remote(streaming).logs('x', {}, () => undefined)).rejects.toThrow('the agent answered 404: unknown app "x"');
  });
});

describe('problems', () => {
  it('tells the operator what to do about a refused token', () => {
    expect(httpProblem(401, { error: 'unauthorized', reason: 'token signature invalid' }).hint).toMatch(/omnitron apply/);
    expect(clientProblem(agent, 3, '').hint).toMatch(/systemctl status omnitron-agent/);
  });
});
