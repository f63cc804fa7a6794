/** The agent's control key pair in the graph: the CLI signs control tokens with it; the manifest carries only its public half. */
import { address } from './addresses.js';

export const AGENT_KEY_ADDRESS = address('ed25519_key', 'agent');
export const AGENT_KEY_PURPOSE = 'agent-control';
