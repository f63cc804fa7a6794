/**
 * The pure plan shared by files on a node (node_file, systemd_unit): compare by content hash, owner
 * and mode; a new node or path replaces. Secret content is never read, only found equal or not.
 */
import type { Decision, PlanInput } from '../../planner/resource.js';
import { comparableLive, refuseConflict } from './live-file.js';
import { planAgainstLive } from './plan-live.js';

export const FILE_IDENTITY = ['node', 'path'];

export function planLiveFile(input: PlanInput, node: string, identity: readonly string[] = FILE_IDENTITY): Decision {
  refuseConflict(input, node);
  return planAgainstLive(input, { replaceOn: identity, ignore: ['sha256'] }, comparableLive);
}
