import { describe, expect, it } from 'vitest';
import { formatDuration, humanDuration, parseDuration } from '../../../src-main/core/config/duration.js';
import { downtimeText } from '../../../src-main/core/alerts/alert-manager.js';

describe('durations', () => {
  it('parses the config forms', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration(250)).toBe(250);
  });

  it('rejects what is not a duration', () => {
    for (const bad of ['', '5', '5 minutes', '-1s', 'abc', '1x']) expect(parseDuration(bad)).toBeNull();
    expect(parseDuration(-5)).toBeNull();
    expect(parseDuration(Number.NaN)).toBeNull();
  });

  it('formats back to the shortest exact form', () => {
    expect(formatDuration(30_000)).toBe('30s');
    expect(formatDuration(300_000)).toBe('5m');
    expect(formatDuration(1500)).toBe('1500ms');
  });

  it('writes downtime the way a person says it', () => {
    expect(downtimeText(252_000)).toBe('down for 4 min 12 s');
    expect(downtimeText(7_500_000)).toBe('down for 2 h 5 min');
    expect(downtimeText(45_000)).toBe('down for 45 s');
    expect(downtimeText(800)).toBe('down for 800 ms');
    expect(humanDuration(90_061_000)).toBe('1 d 1 h');
    expect(humanDuration(3_600_000)).toBe('1 h');
  });
});
