-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "origin" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Ticket_origin_key" ON "Ticket"("origin");

-- CreateTable
CREATE TABLE "QueueItem" (
    "seq" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "orderKey" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "runAfter" TIMESTAMP(3) NOT NULL,
    "claimedBy" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "QueueItem_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "QueueItem_key_key" ON "QueueItem"("key");

-- CreateIndex
CREATE INDEX "QueueItem_status_seq_idx" ON "QueueItem"("status", "seq");

-- CreateIndex
CREATE INDEX "QueueItem_doneAt_idx" ON "QueueItem"("doneAt");

-- DropTable: delivery ids are the QueueItem keys now
DROP TABLE "Delivery";
