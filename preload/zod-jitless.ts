/**
 * zod compiles a fast path for object schemas with `new Function` unless told not to, and decides
 * when each schema is constructed: api-schemas.ts builds its schemas as soon as it is imported, so
 * this must run before that import (index.ts imports this module first; imports run in order). The
 * page's CSP forbids eval: where it applies to the preload, a schema built before this line compiled
 * its fast path on the first call and threw (seen in the e2e IPC path). Interpreted parsing is plenty
 * for a few calls a second.
 */
import { config } from 'zod';

config({ jitless: true });
