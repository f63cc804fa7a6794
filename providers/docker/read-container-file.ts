/**
 * Reads a small file inside a running container (`cat` through the engine's exec API), as the
 * container's own user, which owns files like tor's hostname (mode 0600). `undefined` when the file
 * does not exist; an error when the container is not running.
 */
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { reachDocker } from './client.js';

export async function readContainerFile(docker: Docker, container: string, file: string): Promise<string | undefined> {
  const exec = await reachDocker(`container ${container}`, () => docker.getContainer(container).exec({ Cmd: ['cat', '--', file], AttachStdout: true, AttachStderr: true }));
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = collect();
  const stderr = collect();
  docker.modem.demuxStream(stream, stdout.sink, stderr.sink);
  await new Promise<void>((resolve, reject) => { stream.on('end', resolve); stream.on('close', resolve); stream.on('error', reject); });
  const { ExitCode } = await exec.inspect();
  if (ExitCode === 0) return stdout.text();
  if (/No such file/.test(stderr.text())) return undefined;
  throw new Error(`cat ${file} in container ${container} exited ${ExitCode}: ${stderr.text().trim()}`);
}

function collect(): { sink: PassThrough; text(): string } {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(c));
  return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
}
