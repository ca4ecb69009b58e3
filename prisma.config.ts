// Configuration for Prisma's CLI (generate; migrate for users who have Prisma's engines).
// The app itself does not read this file: it opens the database from src/config.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'file:./data/helpdesk.db' },
});
