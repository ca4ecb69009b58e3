/**
 * The bot's default answers with the sentence encoder (ENCODER unset: use-lite). Tests that start
 * the bot pin the lexical engine: their assertions name the answers of the articles' words alone,
 * and loading the model in every test app would cost seconds each. The encoder's own tests, the
 * answer-quality gate and one run of `npm start` (local-chat.e2e.test.ts) use the default.
 */
export const lexicalEnv: Readonly<Record<string, string>> = { ENCODER: 'none' };
