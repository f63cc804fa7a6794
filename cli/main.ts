#!/usr/bin/env node
// Cache compiled bytecode across runs (start-up dominates a no-op plan), then load the CLI.
import { enableCompileCache } from 'node:module';

enableCompileCache?.();
await import('./run.js');
