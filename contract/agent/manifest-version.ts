/** The manifest format this agent and the planner that writes its manifests agree on. */
export const MANIFEST_FORMAT_VERSION = 1;
