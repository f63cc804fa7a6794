/**
 * A minimal ssh-agent for tests (the protocol of draft-miller-ssh-agent: list identities, sign) holding
 * one ed25519 key, so agent authentication is tested without depending on OpenSSH's client tools.
 */
import net from 'node:net';
import { utils, type ParsedKey } from 'ssh2';

const FAILURE = 5;
const REQUEST_IDENTITIES = 11;
const IDENTITIES_ANSWER = 12;
const SIGN_REQUEST = 13;
const SIGN_RESPONSE = 14;

export interface TestAgent {
  socketPath: string;
  /** How many signatures it made: proof the agent was used. */
  signatures(): number;
  close(): Promise<void>;
}

export async function startTestAgent(privateKey: string, socketPath: string): Promise<TestAgent> {
  const key = utils.parseKey(privateKey);
  if (key instanceof Error) throw key;
  let signed = 0;
  const server = net.createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readUInt32BE(0)) {
        const message = buffered.subarray(4, 4 + buffered.readUInt32BE(0));
        buffered = buffered.subarray(4 + message.length);
        const reply = answer(key, message, () => signed++);
        socket.write(Buffer.concat([uint32(reply.length), reply]));
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
  return { socketPath, signatures: () => signed, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function answer(key: ParsedKey, message: Buffer, onSign: () => void): Buffer {
  const blob = key.getPublicSSH();
  if (message[0] === REQUEST_IDENTITIES) {
    return Buffer.concat([Buffer.from([IDENTITIES_ANSWER]), uint32(1), sshString(blob), sshString(Buffer.from('test-agent'))]);
  }
  if (message[0] === SIGN_REQUEST) {
    const requested = readString(message, 1);
    const data = readString(message, 5 + requested.length);
    if (!requested.equals(blob)) return Buffer.from([FAILURE]);
    onSign();
    const signature = Buffer.concat([sshString(Buffer.from(key.type)), sshString(key.sign(data))]);
    return Buffer.concat([Buffer.from([SIGN_RESPONSE]), sshString(signature)]);
  }
  return Buffer.from([FAILURE]);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function sshString(data: Buffer): Buffer {
  return Buffer.concat([uint32(data.length), data]);
}

function readString(buffer: Buffer, offset: number): Buffer {
  return buffer.subarray(offset + 4, offset + 4 + buffer.readUInt32BE(offset));
}
