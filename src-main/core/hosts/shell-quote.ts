// Quoting for command lines run through `sh -c` on a host (local or over SSH): every path and value
// a check puts into a remote command goes through shellQuote, so spaces, quotes and `$` stay literal.

/** One POSIX shell word: 'it'\''s' for "it's"; the empty string becomes ''. */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell argument cannot contain a NUL character');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Several words, each quoted, joined by spaces. */
export function shellJoin(values: readonly string[]): string {
  return values.map(shellQuote).join(' ');
}
