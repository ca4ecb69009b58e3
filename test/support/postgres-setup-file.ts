// Setup file of the postgres project: after each test file, drop the schemas its apps used.
import { afterAll } from 'vitest';
import { dropCreatedSchemas } from './test-database.js';

afterAll(dropCreatedSchemas);
