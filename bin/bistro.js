#!/usr/bin/env node
// The `bistro` command: Bistro runs its TypeScript through tsx with no build step, so this file
// registers tsx's loader in this process and then imports the real entry point, src/cli.ts.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
