/** At most this many keys in one `in (…)` list. */
export const MAX_KEYS_PER_QUERY = 256;

const LIST_SIZES = [1, 4, 16, 64, MAX_KEYS_PER_QUERY] as const;

/**
 * Keys for `where … in (…)` reads of many lockers at once, in lists of a few fixed lengths: the
 * last key is repeated up to the next of 1, 4, 16, 64 or 256 (a repeated value in an `in` list
 * matches nothing more). So a read of any number of lockers is one of five SQL texts, and the
 * SQLite statement cache (statement-cache.ts) keeps them all instead of every length from 1 to 256
 * pushing the hot statements out.
 */
export function keyLists(keys: readonly string[]): string[][] {
  return paddedChunks([...new Set(keys)]);
}

/** keyLists of at most MAX_KEYS_PER_QUERY keys: the one list (empty for no keys). */
export function oneKeyList(keys: readonly string[]): string[] {
  const lists = keyLists(keys);
  if (lists.length > 1) throw new Error(`${keys.length} keys are more than one read takes`);
  return lists[0] ?? [];
}

/**
 * A value per key, read a list at a time (keyLists): `read` queries one `in` list, `entry` turns
 * a row into its key and value. Keys with no row are absent from the map.
 */
export async function readByKeys<R, V>(
  keys: readonly string[],
  read: (list: string[]) => Promise<readonly R[]>,
  entry: (row: R) => readonly [string, V],
): Promise<Map<string, V>> {
  const out = new Map<string, V>();
  for (const list of keyLists(keys)) {
    for (const row of await read(list)) {
      const [key, value] = entry(row);
      out.set(key, value);
    }
  }
  return out;
}

/** Rows grouped by a key, in the order they came. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [row]);
    else group.push(row);
  }
  return groups;
}

/**
 * Rows for an `UPDATE … FROM (VALUES …)` in lists of the five lengths, the last row repeated to
 * fill (keyLists for rows): each row of the target matches its own row or an identical copy, so
 * it is updated once, as without the copies. A group of any size is one statement per 256 rows
 * of five SQL texts, where fixedChunks would write 7 rows as 4 + 1 + 1 + 1.
 */
export function paddedChunks<T>(rows: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < rows.length; start += MAX_KEYS_PER_QUERY) {
    const chunk = rows.slice(start, start + MAX_KEYS_PER_QUERY);
    const size = LIST_SIZES.find((n) => n >= chunk.length) ?? MAX_KEYS_PER_QUERY;
    const last = chunk[chunk.length - 1] as T;
    while (chunk.length < size) chunk.push(last);
    chunks.push(chunk);
  }
  return chunks;
}

/**
 * Rows in chunks of 256, 64, 16, 4 and 1 (largest first), for multi-row statements whose text
 * grows with the rows: any number of rows is written with statements of five texts at most,
 * which the SQLite statement cache keeps. (Unlike an `in` list, rows cannot be padded.)
 */
export function fixedChunks<T>(rows: readonly T[]): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (const size of [...LIST_SIZES].reverse()) {
    while (rows.length - start >= size) {
      chunks.push(rows.slice(start, start + size));
      start += size;
    }
  }
  return chunks;
}
