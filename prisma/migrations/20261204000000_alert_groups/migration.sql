-- CreateTable
CREATE TABLE "AlertGroup" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "source" TEXT NOT NULL,
    "groupKey" TEXT NOT NULL,
    "ticketKey" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "firing" TEXT NOT NULL,
    "repeats" INTEGER NOT NULL DEFAULT 0,
    "openedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "AlertGroup_ticketKey_idx" ON "AlertGroup"("ticketKey");
