import { type MeasureResult, measureFailed } from '../../engine/measure-result.js';
import { measureText } from '../../history/measure-text.js';
import { COLORS } from './html-text.js';

/** `4m12s ± 5.0s`, `6m01s ± 5.0s > 5m00s`, `not measured`: as history prints a measure. */
export const measureLabel = (m: MeasureResult): string => measureText(m);

/** Red when it fails the drill, green when it met its objective, blue when it has none. */
export function measureColor(m: MeasureResult): string {
  if (measureFailed(m)) return COLORS.failed;
  if (m.verdict === 'met') return COLORS.passed;
  if (m.verdict === 'measured') return COLORS.measure;
  return COLORS.faint;
}
