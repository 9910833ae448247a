import { type Instance, render } from 'ink';
import { App } from './App.js';
import type { TuiSession } from './session.js';

/** Puts the App on a terminal. Separate from index.tsx so React loads after NODE_ENV is set. */
export function mount(
  session: TuiSession,
  streams: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream; stderr?: NodeJS.WriteStream },
): Instance {
  return render(<App session={session} />, {
    ...streams,
    // Ctrl-C is a key the App turns into an abort; Ink must not exit on it.
    exitOnCtrlC: false,
    // Console output is routed into the messages area by captureStrayOutput.
    patchConsole: false,
    maxFps: 10,
  });
}
