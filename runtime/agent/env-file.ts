/** The env files apply writes (contract/env-file-format.ts), read for the processes of one app. */
import { readFileSync } from 'node:fs';
import { parseEnv } from '../../contract/env-file-format.js';

/** Errors name the file and the reason, never the content (it holds secrets). */
export function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read env file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return parseEnv(text);
}
