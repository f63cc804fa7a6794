/** The Docker provider: networks, volumes, images and containers on the local (or DOCKER_HOST) engine. */
import type { Provider } from '../../planner/resource.js';
import { dockerContainer } from './container.js';
import { dockerImage } from './image.js';
import { dockerNetwork } from './network.js';
import { observeDocker } from './observe.js';
import { dockerVolume } from './volume.js';

export const dockerProvider: Provider = {
  name: 'docker',
  types: [dockerNetwork, dockerVolume, dockerImage, dockerContainer],
  observe: observeDocker,
};

export { createDockerClient, dockerUnreachable } from './client.js';
export { createDockerReads } from './engine-reads.js';
export { dockerContainer } from './container.js';
export { createImageType, dockerImage } from './image.js';
export { dockerNetwork } from './network.js';
export { dockerVolume } from './volume.js';
export { LABEL, ownershipLabels, scopeFilters } from './labels.js';
export type { ContainerAttributes } from './container-attributes.js';
