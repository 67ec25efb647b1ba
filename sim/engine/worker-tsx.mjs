// Worker entry in a checkout: registers tsx in this thread (loader hooks are per thread on
// Node 20), then loads the TypeScript worker. Compiled builds start dist/sim/engine/worker.js.
import { register } from "tsx/esm/api";

register();
await import(new URL("./worker.ts", import.meta.url).href);
