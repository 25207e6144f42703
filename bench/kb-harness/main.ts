/** The knowledge-base bench in Chromium: the same workload as in Node (bench/kb-workload.ts). */
import { measure } from '../kb-workload.ts';

(window as unknown as { __kbBench: { measure: typeof measure } }).__kbBench = { measure };
