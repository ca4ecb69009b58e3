-- AlterTable: the requester's language, for their updates; null (every ticket before this): the default language.
ALTER TABLE "Ticket" ADD COLUMN "language" TEXT;
