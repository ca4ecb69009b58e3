/**
 * Global setup of both projects: one folder for the trained models of every test app of the run
 * (test/support/shared-models.ts), removed when the run ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'helpdesk-test-models-'));
  project.provide('testModelCacheDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
