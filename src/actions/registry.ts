import { cloudWatchAlarmAction } from './cloudwatch-alarm.js';
import { confirmAction } from './confirm.js';
import { httpAction } from './http.js';
import { route53Action } from './route53.js';
import { runAction } from './run.js';
import { sshAction } from './ssh.js';
import { ssmAction } from './ssm.js';
import type { ActionDefinition } from './types.js';
import { waitAction } from './wait.js';

/**
 * Every action a step can use, by its key. Action modules must not import heavy libraries
 * (AWS SDK, ssh2) at the top level: they load them inside `run()`, so `validate` and `plan`
 * stay fast and an AWS-free drill never loads the SDK.
 */
// biome-ignore lint/suspicious/noExplicitAny: each definition is typed by its own config.
const all: ActionDefinition<any>[] = [
  runAction,
  confirmAction,
  httpAction,
  waitAction,
  sshAction,
  cloudWatchAlarmAction,
  route53Action,
  ssmAction,
];

export const actions: ReadonlyMap<string, ActionDefinition<unknown>> = new Map(all.map((a) => [a.name, a]));
