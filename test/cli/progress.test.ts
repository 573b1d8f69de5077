import { describe, expect, it } from 'vitest';
import { remainingText } from '../../src/cli/progress.js';

describe('the progress bar ETA', () => {
  it('extrapolates the rate so far, from the start of the work', () => {
    expect(remainingText(250, 1000, 1)).toBe('3s'); // 1 s for a quarter: 3 s for the rest
    expect(remainingText(100, 1000, 20.5)).toBe('3m05s'); // 20.5 × 9 = 184.5 → 185 s
    expect(remainingText(1000, 1000, 7)).toBe('0s');
  });

  it('says … before anything is done, never NaN', () => {
    expect(remainingText(0, 1000, 1.2)).toBe('…');
    expect(remainingText(10, 1000, 0)).toBe('…');
  });
});
