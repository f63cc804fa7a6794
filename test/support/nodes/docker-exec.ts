/** Runs an argv inside a container (no shell unless the argv asks for one) and collects its output. */
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

export interface DockerExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function dockerExec(container: Docker.Container, argv: string[]): Promise<DockerExecResult> {
  const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = collect();
  const stderr = collect();
  container.modem.demuxStream(stream, stdout.sink, stderr.sink);
  await new Promise<void>((resolve, reject) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', reject);
  });
  const { ExitCode } = await exec.inspect();
  return { code: ExitCode ?? -1, stdout: stdout.text(), stderr: stderr.text() };
}

export async function dockerExecOrThrow(container: Docker.Container, argv: string[]): Promise<string> {
  const result = await dockerExec(container, argv);
  if (result.code !== 0) throw new Error(`${argv.join(' ')} exited with ${result.code} in ${container.id.slice(0, 12)}: ${result.stderr.trim()}`);
  return result.stdout;
}

function collect(): { sink: PassThrough; text(): string } {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
}
