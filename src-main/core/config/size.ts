// Sizes in the config are strings such as "512KB", "1MB", "2GB" (binary units) or a number of bytes.
const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
const SIZE_RE = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)\s*$/i;

export function parseSize(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value) : null;
  const match = SIZE_RE.exec(value);
  if (!match) return null;
  return Math.floor(Number(match[1]) * UNIT_BYTES[match[2]!.toLowerCase()]!);
}
