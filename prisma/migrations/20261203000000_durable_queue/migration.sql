-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "origin" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Ticket_origin_key" ON "Ticket"("origin");

-- CreateTable
CREATE TABLE "QueueItem" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "orderKey" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "runAfter" DATETIME NOT NULL,
    "claimedBy" TEXT,
    "leaseUntil" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "QueueItem_key_key" ON "QueueItem"("key");

-- CreateIndex
CREATE INDEX "QueueItem_status_seq_idx" ON "QueueItem"("status", "seq");

-- CreateIndex
CREATE INDEX "QueueItem_doneAt_idx" ON "QueueItem"("doneAt");

-- DropTable: delivery ids are the QueueItem keys now
DROP TABLE "Delivery";
