export { DiscoveryClient, type DiscoveryDeps } from './registry.js';
export { DiscoveryOptionsError, type OptionIssue } from './option-issues.js';
export { DISCOVERY_DEFAULTS, resolveDiscoveryOptions, type DiscoveryOptions, type DiscoveryOptionsInput, type ResolvedOptions } from './options.js';
export { discoveryKeys, hashTag, type DiscoveryKeys } from './keys.js';
export { encodeServices, parseNodeHash, readNodeHash, type NodeInfo, type ParsedNode, type ServiceInfo } from './node-info.js';
export { encodeEvent, parseEvent, EVENT_TYPES, type DiscoveryEvent, type DiscoveryEventHandler, type DiscoveryEventType } from './events.js';
export { HEARTBEAT_SCRIPT, DEREGISTER_SCRIPT, REAP_SCRIPT, UPDATE_NODE_SCRIPT, type LuaScript, type RedisClient } from './scripts.js';
export type { DiscoveryLog } from './log.js';
