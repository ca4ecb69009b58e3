-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "statusChangedAt" DATETIME;
ALTER TABLE "Ticket" ADD COLUMN "vendorName" TEXT;
ALTER TABLE "Ticket" ADD COLUMN "vendorCaseRef" TEXT;
ALTER TABLE "Ticket" ADD COLUMN "vendorContact" TEXT;

-- CreateTable
CREATE TABLE "TimerFiring" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "ticketId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "claimedBy" TEXT NOT NULL,
    "claimedAt" DATETIME NOT NULL,
    "doneAt" DATETIME
);

-- CreateIndex
CREATE INDEX "TimerFiring_ticketId_idx" ON "TimerFiring"("ticketId");
