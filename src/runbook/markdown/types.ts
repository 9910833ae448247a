import type { SourcePos } from '../errors.js';

/** Path (validator syntax, e.g. `steps[2].ssh.host`) to where it is in the Markdown file. */
export type Positions = Map<string, SourcePos>;

/** The four step lists a `##` heading can feed. */
export type ListKey = 'steps' | 'finally' | 'steady_state' | 'stop_when';
