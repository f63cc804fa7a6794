import { describe, expect, it } from 'vitest';
import { nodeMajor, tooOldNodeMessage, type NodeFacts } from './node-version.js';

const facts: NodeFacts = { version: 'v20.20.2', execPath: '/usr/bin/node', cwd: '/home/op/platform', args: ['plan', '--stack', 'prod ssh'], packageRoot: '/home/op/omnitron' };

describe('the message on an older Node', () => {
  it('reads the major version', () => {
    expect(nodeMajor('v18.20.4')).toBe(18);
    expect(nodeMajor('24.1.0')).toBe(24);
  });

  it('without a shipped Node 24: install one, then the same command', () => {
    expect(tooOldNodeMessage(facts)).toBe("omnitron needs Node.js 24 or newer, but /usr/bin/node is v20.20.2; install Node.js 24 (nodejs.org, or `nvm install 24`), then run `omnitron plan --stack 'prod ssh'` again");
  });

  it('inside the package with its Node 24 installed: npx', () => {
    const inside = { ...facts, cwd: '/home/op/omnitron/examples', shippedNode: '/home/op/omnitron/node_modules/.bin/node' };
    expect(tooOldNodeMessage(inside)).toContain("run `npx omnitron plan --stack 'prod ssh'` (the Node 24 that `npm ci` installed beside omnitron)");
  });

  it('outside it: the shipped Node and the CLI by path', () => {
    const outside = { ...facts, shippedNode: '/home/op/omnitron/node_modules/.bin/node' };
    expect(tooOldNodeMessage(outside)).toContain("run `/home/op/omnitron/node_modules/.bin/node /home/op/omnitron/dist/cli/main.js plan --stack 'prod ssh'`");
  });
});
