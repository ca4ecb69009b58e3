import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DraftWriter } from '../core/knowledge/article-draft.js';

/** Drafts as files in the knowledge-base folder (drafts/ is not served until an editor moves the file). */
export class FileDraftWriter implements DraftWriter {
  constructor(private readonly kbDir: string) {}

  async create(relativePath: string, content: string): Promise<boolean> {
    const target = path.resolve(this.kbDir, relativePath);
    if (!target.startsWith(path.resolve(this.kbDir, 'drafts') + path.sep))
      throw new Error(`a draft must go under drafts/: ${relativePath}`);
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await writeFile(target, content, { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }
}
