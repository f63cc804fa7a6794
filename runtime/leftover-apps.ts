/**
 * Apps an agent left running when it was killed or timed out (each the leader of its own process
 * group, stamped with its owner, the agent's state directory). A new agent adopts them; whoever
 * removes the agent for good stops them with this. The one door into the supervisor for code
 * outside runtime/.
 */
import { AdoptedProcess } from './supervisor/adopted-process.js';
import { terminateGroup } from './supervisor/process-group.js';
import { findStampedProcesses, type StampedProcess } from './supervisor/stamped-processes.js';

/** Stops them, whole groups, SIGTERM then SIGKILL after `graceMs`; returns what it found. */
export async function stopLeftoverApps(owner: string, graceMs: number): Promise<StampedProcess[]> {
  if (process.platform !== 'linux') return [];
  const leftovers = findStampedProcesses(owner);
  // Identified by pid and start time, so a recycled pid is never signalled; the whole group, members included.
  await Promise.all(leftovers.map((p) => terminateGroup(new AdoptedProcess(p.pid, p.startTime), graceMs)));
  return leftovers;
}
