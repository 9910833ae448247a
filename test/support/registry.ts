import { createRegistry } from '../../src/commands/registry.js';

/** The registry a command builds, once for the whole test file (as once per command). */
export const actions = createRegistry();
