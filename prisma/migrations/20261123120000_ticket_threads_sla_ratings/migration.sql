-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "responseDueAt" DATETIME;
ALTER TABLE "Ticket" ADD COLUMN "resolveDueAt" DATETIME;
ALTER TABLE "Ticket" ADD COLUMN "satisfaction" INTEGER;

-- CreateTable
CREATE TABLE "TicketThread" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ticketKey" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "threadId" TEXT NOT NULL,
    "tier" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TicketThread_ticketKey_fkey" FOREIGN KEY ("ticketKey") REFERENCES "Ticket" ("key") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "TicketThread_channel_address_threadId_key" ON "TicketThread"("channel", "address", "threadId");

-- CreateIndex
CREATE INDEX "TicketThread_ticketKey_idx" ON "TicketThread"("ticketKey");

-- CreateIndex
CREATE INDEX "Delivery_createdAt_idx" ON "Delivery"("createdAt");
