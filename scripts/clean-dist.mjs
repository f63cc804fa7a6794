// dist/ is rebuilt from nothing: a module deleted or moved in the sources must not linger there and still load.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
