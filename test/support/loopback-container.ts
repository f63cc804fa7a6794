/**
 * Test containers from local images with every published port bound to 127.0.0.1 (testcontainers
 * binds all interfaces by default; test traffic stays on loopback).
 */
import type { GenericContainer } from 'testcontainers';

process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

export async function loopbackContainer(image: string): Promise<GenericContainer> {
  const { GenericContainer: Base } = await import('testcontainers');
  class LoopbackContainer extends Base {
    protected override async beforeContainerCreated(): Promise<void> {
      for (const bindings of Object.values(this.hostConfig.PortBindings ?? {})) for (const b of bindings as Array<{ HostIp?: string }>) b.HostIp = '127.0.0.1';
    }
  }
  return new LoopbackContainer(image);
}
