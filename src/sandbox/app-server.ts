import { createServer, type Server } from 'node:http';
import { closeServer, guarded, listen, sendJson } from './http-util.js';
import { COLOUR_IP, type Colour, type World } from './world.js';

/**
 * One colour's "Bookstore API". Stopping it closes the listening socket (clients get
 * connection refused, like a shut-down instance); starting it listens on the same port again.
 */
export class AppServer {
  readonly colour: Colour;
  private readonly world: World;
  private server: Server;
  private port = 0;

  constructor(colour: Colour, world: World) {
    this.colour = colour;
    this.world = world;
    this.server = this.create();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<number> {
    if (this.server.listening) return this.port;
    // A closed http.Server cannot always listen again cleanly; a fresh one is cheap.
    this.server = this.create();
    this.port = await listen(this.server, this.port || port);
    return this.port;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  private create(): Server {
    const server = createServer(
      guarded((req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          sendJson(res, 405, { error: 'method not allowed' });
        } else if (path === '/') {
          sendJson(res, 200, { service: 'bookstore-api', colour: this.colour, host: COLOUR_IP[this.colour] });
        } else if (path === '/health') {
          const problem = this.world.healthProblem(this.colour);
          if (problem) sendJson(res, 503, { status: 'unhealthy', colour: this.colour, reason: problem });
          else sendJson(res, 200, { status: 'ok', colour: this.colour });
        } else {
          sendJson(res, 404, { error: `no route ${path}` });
        }
      }),
    );
    server.keepAliveTimeout = 1000;
    return server;
  }
}
