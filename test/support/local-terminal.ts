import { PassThrough } from 'node:stream';
import type { App } from '../../src/app.js';
import { LocalChat, type LocalChatOptions } from '../../src/channels/local/local-chat.js';
import { silentLogger } from '../../src/core/logger.js';

/** A terminal's output, and everything printed to it so far. */
export interface TerminalOutput {
  output: PassThrough;
  printed: string[];
}

/** An output to print to (the app's LocalNotifier may print there too), collecting what is printed. */
export function terminalOutput(): TerminalOutput {
  const printed: string[] = [];
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => printed.push(chunk.toString()));
  return { output, printed };
}

/** The local chat of `app` for 'ann', not interactive: type a line, get what was printed for it. */
export function typeAt(app: App, { output, printed }: TerminalOutput): (line: string) => Promise<string> {
  const chat = annsLocalChat(app, output);
  return async (line) => {
    const from = printed.length;
    await chat.handleLine(line);
    await new Promise((resolve) => setImmediate(resolve));
    return printed.slice(from).join('');
  };
}

/** The local chat of `app` for 'ann', not interactive, printing to `output`; `options` adds or overrides. */
export function annsLocalChat(
  app: Pick<App, 'conversations' | 'tickets'>,
  output: PassThrough,
  options: Partial<LocalChatOptions> = {},
): LocalChat {
  return new LocalChat({
    conversations: app.conversations,
    tickets: app.tickets,
    input: new PassThrough(),
    output,
    interactive: false,
    userName: 'ann',
    logger: silentLogger,
    ...options,
  });
}
