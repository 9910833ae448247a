import { describe, expect, it } from 'vitest';
import { sshAction } from '../../src/actions/ssh.js';
import { ConfigProblem } from '../../src/plugin/contract.js';

describe('ssh action config', () => {
  it('normalises one host or a list, and summarises for plan and gates', () => {
    const one = sshAction.parse({ host: 'blue', run: 'sudo systemctl restart gunicorn' });
    expect(one).toEqual({
      hosts: ['blue'],
      run: 'sudo systemctl restart gunicorn',
      sudo: false,
      env: {},
      fanOut: { concurrency: { count: 10 }, maxErrors: { count: 0 }, batches: [] },
    });
    const both = sshAction.parse({
      host: ['blue', 'green'],
      upload: { from: './app', to: '/home/ubuntu/apps/bookstore_api' },
      run: 'systemctl restart gunicorn\nsystemctl status gunicorn',
      sudo: true,
      env: { PORT: 8000, DEBUG: false },
    });
    expect(both.env).toEqual({ PORT: '8000', DEBUG: 'false' });
    expect(sshAction.hosts?.(both)).toEqual(['blue', 'green']);
    expect(sshAction.summary(one)).toBe('ssh blue: sudo systemctl restart gunicorn');
    expect(sshAction.summary(both)).toBe(
      'ssh blue,green: upload ./app → /home/ubuntu/apps/bookstore_api; sudo systemctl restart gunicorn …(+1 lines)',
    );
    expect(sshAction.shellKeys).toEqual(['run']);
  });

  it('refuses a config that does nothing, or sudo without a command', () => {
    expect(() => sshAction.parse({ host: 'blue' })).toThrow(ConfigProblem);
    expect(() => sshAction.parse({ host: 'blue' })).toThrow('ssh needs run:, upload:, or both');
    expect(() => sshAction.parse({ host: 'blue', sudo: true, upload: { from: 'a', to: 'b' } })).toThrow(
      'sudo: applies to run:, and there is no run:',
    );
  });
});
