/**
 * A replica that only sweeps the SLA timers, in a process of its own so a test can kill it
 * outright (SIGKILL) mid-sweep. Its chat is slow (each notification takes 25 ms), so a sweep of
 * many tickets spends most of its time between claiming a timer and marking it done.
 * Environment: the app's variables, plus SWEEP_AT (epoch ms) for the sweep's clock.
 */
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/core/logger.js';

const app = await createApp(loadConfig(process.env), silentLogger, {
  notify: () => new Promise((resolve) => setTimeout(resolve, 25)),
});
process.stdout.write('sweeping\n');
const result = await app.timers.sweep(new Date(Number(process.env.SWEEP_AT)));
process.stdout.write(`${JSON.stringify({ fired: result.fired.length })}\n`);
await app.close();
