import { request } from 'node:http';
import { COLOURS, type Colour } from './world.js';

export interface HealthObservation {
  healthy: boolean;
  /** Route 53 style: `Success: HTTP Status Code 200, OK` or `Failure: ...`. */
  status: string;
  checkedAt: Date;
}

/**
 * Probes each colour's GET /health like a Route 53 health checker. The front and the
 * Route 53 endpoint read the last observation, so they see exactly what a client would see.
 */
export class HealthMonitor {
  private readonly urls: Record<Colour, () => string>;
  private readonly intervalMs: number;
  private readonly last: Record<Colour, HealthObservation>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(urls: Record<Colour, () => string>, intervalMs: number) {
    this.urls = urls;
    this.intervalMs = intervalMs;
    const start: HealthObservation = {
      healthy: false,
      status: 'Failure: not checked yet',
      checkedAt: new Date(),
    };
    this.last = { blue: { ...start }, green: { ...start } };
  }

  observation(colour: Colour): HealthObservation {
    return this.last[colour];
  }

  async start(): Promise<void> {
    await this.checkNow();
    this.timer = setInterval(() => void this.checkNow(), this.intervalMs);
    this.timer.unref();
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    return this.running ?? Promise.resolve();
  }

  /** Checks both colours now (after a control change); overlapping calls coalesce. */
  checkNow(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await Promise.all(
          COLOURS.map(async (c) => {
            this.last[c] = await probe(`${this.urls[c]()}/health`);
          }),
        );
      } while (this.again);
      this.running = undefined;
    })();
    return this.running;
  }
}

function probe(url: string): Promise<HealthObservation> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 2000, agent: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      const healthy = code >= 200 && code < 400;
      const text = `HTTP Status Code ${code}, ${res.statusMessage ?? ''}`.trim();
      resolve({ healthy, status: `${healthy ? 'Success' : 'Failure'}: ${text}`, checkedAt: new Date() });
    });
    req.on('timeout', () => req.destroy(new Error('Connection timed out')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ECONNREFUSED' ? 'Connection refused' : error.message;
      resolve({ healthy: false, status: `Failure: ${why}`, checkedAt: new Date() });
    });
    req.end();
  });
}
