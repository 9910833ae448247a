/**
 * The fields of a /proc/PID/stat line after the command name, from the state (field 3) on:
 * `[state, ppid, pgrp, ...]`; the start time (field 22) is index 19. The command name (field 2)
 * may hold spaces and parentheses, so the fields are counted from the last ')'.
 */
export function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
