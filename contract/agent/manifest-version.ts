/**
 * The manifest format this agent and the planner that writes its manifests agree on.
 * 2: apps may set `instances`. An agent reads every format up to its own (a format-1 manifest is a
 * format-2 one without `instances`); a newer one is refused, naming the versions.
 */
export const MANIFEST_FORMAT_VERSION = 2;
export const OLDEST_MANIFEST_FORMAT_VERSION = 1;
