/**
 * Must be the first import of main.tsx. preload/api.ts builds zod schemas when it loads, and zod then
 * probes `new Function('')` to decide whether it may JIT its parsers; under our CSP (no
 * 'unsafe-eval') that probe is blocked and reported as a violation even though zod catches it. The
 * renderer never parses with zod (main validates), so it loses nothing by turning the JIT off.
 */
import { config } from 'zod';

config({ jitless: true });
