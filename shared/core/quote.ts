const MAX_QUOTED = 200;
const MAX_PATH_SEGMENT = 40;

/** A value as error messages show it: JSON, cut at 200 characters (a 256 KB body must not flood a log line). */
export function quote(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // Too deep for JSON.stringify (100,000 nested arrays), a cycle or a BigInt: String() would
    // recurse the same way, so a bounded preview is written without recursion.
    text = preview(value);
  }
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}

/**
 * The first characters of a value's JSON, walked with an explicit stack and stopped once past the
 * quoted length: bounded work whatever the depth or size.
 */
function preview(value: unknown): string {
  let out = '';
  const stack: unknown[] = [value];
  while (stack.length > 0 && out.length <= MAX_QUOTED) {
    const next = stack.pop();
    if (typeof next === 'symbol') {
      out += next.description ?? '';
    } else if (Array.isArray(next)) {
      out += '[';
      stack.push(Symbol(']'));
      for (let i = Math.min(next.length, MAX_QUOTED) - 1; i >= 0; i--) {
        stack.push(next[i]);
        if (i > 0) stack.push(Symbol(','));
      }
    } else if (next !== null && typeof next === 'object') {
      out += '{';
      stack.push(Symbol('}'));
      const keys = Object.keys(next).slice(0, MAX_QUOTED);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        stack.push((next as Record<string, unknown>)[key]);
        stack.push(Symbol(`${JSON.stringify(key.slice(0, MAX_QUOTED))}:`));
        if (i > 0) stack.push(Symbol(','));
      }
    } else {
      try {
        out += JSON.stringify(next) ?? String(next);
      } catch {
        out += String(next);
      }
    }
  }
  return out;
}

/** A zod issue's path as error messages show it: each segment cut at 40 characters (a key may be 250 KB). */
export function shortPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment) => {
      const text = String(segment);
      return text.length > MAX_PATH_SEGMENT ? `${text.slice(0, MAX_PATH_SEGMENT)}…` : text;
    })
    .join('.');
}

/** The value at a zod issue's path, to quote it next to the problem. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
