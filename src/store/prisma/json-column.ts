/** Reads a JSON text column; a damaged value yields the fallback instead of failing the whole read. */
export function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
