// The disk chart's forecast line: it starts at the last sample and reaches 100% when the trend
// says the disk is full; a flat, falling or too-short trend draws no forecast.
import { describe, expect, it } from 'vitest';
import { diskChartData } from '../../src-renderer/src/components/host/disk-forecast';

const HOUR = 3_600_000;
const GB = 1024 ** 3;

describe('diskChartData', () => {
  it('extends a rising trend to full, from the last sample', () => {
    // 1 GB more every hour on a 100 GB disk, at 50 GB after two hours: full 50 h later.
    const samples = [0, 1, 2].map((h) => ({ at: h * HOUR, usedBytes: (48 + h) * GB }));
    const data = diskChartData(samples, 100 * GB)!;
    expect(data.used).toEqual([48, 49, 50, null]);
    expect(data.forecast).toEqual([null, null, 50, 100]);
    expect(data.fullAt).toBe(2 * HOUR + 50 * HOUR);
    expect(data.x[3]).toBe(52 * 3600);
  });

  it('stops the line at the 30-day horizon when full is further away', () => {
    const samples = [0, 1, 2].map((h) => ({ at: h * HOUR, usedBytes: 10 * GB + h * 1024 * 1024 }));
    const data = diskChartData(samples, 100 * GB)!;
    expect(data.fullAt! - 2 * HOUR).toBeGreaterThan(30 * 24 * HOUR);
    expect(data.x[3]).toBe((2 * HOUR + 30 * 24 * HOUR) / 1000);
    expect(data.forecast[3]).toBeLessThan(100);
  });

  it('draws no forecast for a flat or falling trend, or under an hour of samples', () => {
    const flat = [0, 1, 2].map((h) => ({ at: h * HOUR, usedBytes: 50 * GB }));
    expect(diskChartData(flat, 100 * GB)).toMatchObject({ fullAt: null, forecast: [null, null, null] });
    const falling = [0, 1, 2].map((h) => ({ at: h * HOUR, usedBytes: (50 - h) * GB }));
    expect(diskChartData(falling, 100 * GB)!.fullAt).toBeNull();
    const short = [0, 1, 2].map((m) => ({ at: m * 60_000, usedBytes: (50 + m) * GB }));
    expect(diskChartData(short, 100 * GB)!.fullAt).toBeNull();
    expect(diskChartData(flat, null)).toBeNull();
  });
});
