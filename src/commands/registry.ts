import { cloudWatchAlarmAction } from '../actions/cloudwatch-alarm.js';
import { confirmAction } from '../actions/confirm.js';
import { httpAction } from '../actions/http.js';
import { route53Action } from '../actions/route53.js';
import { runAction } from '../actions/run.js';
import { sshAction } from '../actions/ssh.js';
import { ssmAction } from '../actions/ssm.js';
import { tcpAction } from '../actions/tcp.js';
import { createWaitAction } from '../actions/wait.js';
import type { ActionDefinition, ActionRegistry } from '../plugin/contract.js';

/**
 * The registry line: every action a step can use. Built once per command and passed to
 * loading, schema generation, planning and running; the core never imports an action.
 * Action modules must not import heavy libraries (AWS SDK, ssh2) at the top level: they load
 * them inside `run()`, so `validate` and `plan` stay fast and an AWS-free drill never loads the SDK.
 */
export function createRegistry(): ActionRegistry {
  const registry = new Map<string, ActionDefinition<unknown>>();
  // biome-ignore lint/suspicious/noExplicitAny: each definition is typed by its own config.
  const all: ActionDefinition<any>[] = [
    runAction,
    confirmAction,
    httpAction,
    // `wait: until:` nests any other action: it looks them up in this registry when asked.
    createWaitAction(() => registry),
    sshAction,
    cloudWatchAlarmAction,
    route53Action,
    tcpAction,
    ssmAction,
  ];
  for (const action of all) registry.set(action.name, action);
  return registry;
}
