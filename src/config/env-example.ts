import { envSchema, type EnvVariable } from './config.js';
import { prefixedVariables, sections, variableDocs, type VariableDoc } from './variables.js';

/** A variable's default as .env.example shows it: the schema's `.default()`, else what unset means. */
export function defaultOf(name: EnvVariable): { value: string | undefined; text: string } {
  const field = envSchema.shape[name] as { def: { type: string; defaultValue?: unknown } };
  if (field.def.type === 'default') {
    const value = String(field.def.defaultValue);
    return { value, text: value };
  }
  const doc: VariableDoc = variableDocs[name];
  return { value: undefined, text: doc.unset ?? 'unset' };
}

/**
 * .env.example: every variable of the schema, by section, with one line of meaning and its default.
 * Every assignment is commented out, so a copy used as .env changes nothing until a line is opened.
 */
export function renderEnvExample(): string {
  const lines = [
    '# helpdesk-bot configuration. Copy to .env: the bot reads it at start, and a variable already set',
    '# in the environment wins over the file. Every line is commented out (each keeps its default).',
    '# Generated from src/config/config.ts and src/config/variables.ts by `npm run env:example`;',
    '# edit those, not this file (a test fails when it falls behind).',
  ];
  const names = Object.keys(envSchema.shape) as EnvVariable[];
  for (const section of sections) {
    lines.push('', `## ${section}`);
    for (const name of names.filter((n) => variableDocs[n].section === section)) {
      const doc: VariableDoc = variableDocs[name];
      const { value, text } = defaultOf(name);
      lines.push('', `# ${doc.meaning} Default: ${text}.`, `#${name}=${value ?? doc.example ?? ''}`);
    }
    for (const prefixed of prefixedVariables.filter((p) => p.section === section)) {
      lines.push('', `# ${prefixed.meaning} Default: none.`, `#${prefixed.example}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
