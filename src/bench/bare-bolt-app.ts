// The floor for slack-bench.ts: a bare Bolt app with the receiver our Slack channel uses
// (ExpressReceiver on POST /slack/events, signature checked with SLACK_SIGNING_SECRET), whose one
// listener answers each message with say(). It acknowledges as Bolt does for every event (before
// the listener runs) and writes nothing anywhere. Slack's Web API is SLACK_API_URL (the
// benchmark's stand-in). Prints {"port": N} once it listens; stops on SIGTERM.
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';

const signingSecret = process.env.SLACK_SIGNING_SECRET;
const token = process.env.SLACK_BOT_TOKEN;
const apiUrl = process.env.SLACK_API_URL;
if (!signingSecret || !token || !apiUrl) {
  process.stderr.write('bare-bolt-app needs SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and SLACK_API_URL\n');
  process.exit(2);
}

const receiver = new ExpressReceiver({ signingSecret, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
const app = new App({
  token,
  receiver,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` },
});

app.message(async ({ message, say }) => {
  const text = 'text' in message && typeof message.text === 'string' ? message.text : '';
  await say(`You said: ${text}`);
});

const server = await receiver.start({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
process.once('SIGTERM', () => {
  void receiver.stop().then(() => process.exit(0));
});
