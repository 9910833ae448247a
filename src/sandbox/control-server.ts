import { createServer, type Server } from 'node:http';
import { guarded, sendJson } from './http-util.js';
import { type Colour, type ColourState, isColour, WORLD_ACTIONS, type WorldAction } from './world.js';

export interface ControlHandlers {
  apply(colour: Colour, action: WorldAction): Promise<ColourState>;
  reset(): Promise<void>;
  state(): unknown;
  shutdown(): void;
}

const USAGE = `POST /control/{blue|green}/{${WORLD_ACTIONS.join('|')}}, POST /control/reset, POST /control/shutdown, GET /state`;

/** Breaks and restores the sandbox with plain HTTP, so a drill step can use `curl`. */
export function createControlServer(handlers: ControlHandlers): Server {
  const server = createServer(
    guarded((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const parts = path.split('/').filter(Boolean);
      const run = async () => {
        if (req.method === 'GET' && (path === '/state' || path === '/'))
          return sendJson(res, 200, handlers.state());
        if (parts[0] !== 'control') return sendJson(res, 404, { error: `no route ${path}`, usage: USAGE });
        if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST', usage: USAGE });
        if (parts.length === 2 && parts[1] === 'reset') {
          await handlers.reset();
          return sendJson(res, 200, handlers.state());
        }
        if (parts.length === 2 && parts[1] === 'shutdown') {
          sendJson(res, 202, { stopping: true });
          return handlers.shutdown();
        }
        const [, colour = '', action = ''] = parts;
        if (
          parts.length !== 3 ||
          !isColour(colour) ||
          !(WORLD_ACTIONS as readonly string[]).includes(action)
        ) {
          return sendJson(res, 404, { error: `no route ${path}`, usage: USAGE });
        }
        const state = await handlers.apply(colour, action as WorldAction);
        return sendJson(res, 200, { colour, action, state });
      };
      run().catch((error: unknown) => {
        if (!res.headersSent)
          sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
      });
    }),
  );
  server.keepAliveTimeout = 1000;
  return server;
}
