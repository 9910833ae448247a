/**
 * The one type for a run's settings, from the command line (or a resumed run's meta.json)
 * through `executeDrill` to the engine and back into meta.json. Presentation (TUI or
 * headless, colours, report paths, who approves) is not here: it never reaches the engine.
 */

export const ROLLBACK_POLICIES = ['always', 'on-failure', 'never'] as const;
export type RollbackPolicy = (typeof ROLLBACK_POLICIES)[number];

/** The settings `resume` continues a run with: meta.json keeps them under these names. */
export interface RecordedSettings {
  rollback: RollbackPolicy;
  acceptNewHostKeys: boolean;
  only?: string[] | undefined;
  from?: string | undefined;
  skip?: string[] | undefined;
}

export interface RunSettings extends RecordedSettings {
  /** `--dry-run`: walk the drill, run nothing. Never recorded: a resumed run is a real one. */
  dryRun: boolean;
  /** `--fail-on-skip`: a skipped gate fails the drill. Given again to `resume`. */
  failOnSkip: boolean;
}

/** Just the run's settings, out of something that carries more (the `run` command's flags). */
export function runSettingsOf(from: RunSettings): RunSettings {
  return { ...recordedSettings(from), dryRun: from.dryRun, failOnSkip: from.failOnSkip };
}

/** The part of the settings meta.json records, without absent selections. */
export function recordedSettings(settings: RunSettings): RecordedSettings {
  return {
    rollback: settings.rollback,
    acceptNewHostKeys: settings.acceptNewHostKeys,
    ...(settings.only ? { only: settings.only } : {}),
    ...(settings.from ? { from: settings.from } : {}),
    ...(settings.skip ? { skip: settings.skip } : {}),
  };
}

/** The settings a resumed run continues with: the interrupted run's, never a dry run. */
export function resumedSettings(recorded: RecordedSettings, failOnSkip: boolean): RunSettings {
  return runSettingsOf({ ...recorded, dryRun: false, failOnSkip });
}
