import { EventEmitter } from 'node:events';

export const COLOURS = ['blue', 'green'] as const;
export type Colour = (typeof COLOURS)[number];

/** The public IPs of the Bookstore EC2 hosts; the sandbox's DNS answers use them. */
export const COLOUR_IP: Record<Colour, string> = { blue: '54.213.54.171', green: '52.11.79.9' };

export function isColour(value: string): value is Colour {
  return (COLOURS as readonly string[]).includes(value);
}

/** What a drill can break on one colour, and what each breakage looks like from outside. */
export interface ColourState {
  /** false = the instance is shut down: connection refused, StatusCheckFailed alarms. */
  running: boolean;
  /** false = the app answers /health with 503 (a bad deploy), dependencies untouched. */
  healthy: boolean;
  /** true = db and cdn are unreachable (like `gremlin attack blackhole`): /health 503, connectivity alarms. */
  blackholed: boolean;
}

export type WorldAction = 'stop' | 'start' | 'unhealthy' | 'healthy' | 'blackhole' | 'restore';
export const WORLD_ACTIONS: readonly WorldAction[] = [
  'stop',
  'start',
  'unhealthy',
  'healthy',
  'blackhole',
  'restore',
];

/**
 * The sandbox's ground truth. Servers, the health monitor and the alarm evaluator read it;
 * the control API changes it. Emits `change` with the colour after every change.
 */
export class World extends EventEmitter<{ change: [Colour] }> {
  readonly colours: Record<Colour, ColourState> = {
    blue: { running: true, healthy: true, blackholed: false },
    green: { running: true, healthy: true, blackholed: false },
  };

  apply(colour: Colour, action: WorldAction): ColourState {
    const s = this.colours[colour];
    switch (action) {
      case 'stop':
        s.running = false;
        break;
      case 'start':
        s.running = true;
        break;
      case 'unhealthy':
        s.healthy = false;
        break;
      case 'healthy':
        s.healthy = true;
        break;
      case 'blackhole':
        s.blackholed = true;
        break;
      case 'restore':
        Object.assign(s, { running: true, healthy: true, blackholed: false });
        break;
    }
    this.emit('change', colour);
    return { ...s };
  }

  /** Why /health fails, or undefined when it passes (a stopped colour does not answer at all). */
  healthProblem(colour: Colour): string | undefined {
    const s = this.colours[colour];
    if (s.blackholed)
      return 'dependencies unreachable: db.bookstore.pingpublications.com, cdn.bookstore.pingpublications.com';
    if (!s.healthy) return 'marked unhealthy through the sandbox control API';
    return undefined;
  }
}
