import { readFileSync } from 'node:fs';
import type { z } from 'zod';

/** Reads a JSON-lines file of labelled examples; a line the schema refuses is an error naming its line number. */
export function readJsonLines<S extends z.ZodType>(file: string, schema: S): Array<z.output<S>> {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line.length > 0)
    .map(({ line, number }) => {
      const parsed = schema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${number}: ${parsed.error.issues[0]?.message ?? 'invalid line'}`);
      return parsed.data;
    });
}
