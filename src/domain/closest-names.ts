/** Edit distance between two names (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[t.length] ?? 0;
}

/**
 * The names a person probably meant: close in spelling (a third of the length, at least 2 edits) or
 * containing what they typed; closest first, at most `limit`.
 */
export function closestNames(typed: string, names: readonly string[], limit = 3): string[] {
  const needle = typed.toLowerCase();
  const allowed = Math.max(2, Math.floor(typed.length / 3));
  return names
    .map((name) => ({
      name,
      distance: editDistance(typed, name),
      contains: name.toLowerCase().includes(needle),
    }))
    .filter((c) => c.name !== typed && (c.distance <= allowed || (needle.length >= 3 && c.contains)))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((c) => c.name);
}
