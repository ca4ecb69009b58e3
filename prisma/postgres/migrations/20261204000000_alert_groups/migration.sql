-- CreateTable
CREATE TABLE "AlertGroup" (
    "key" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "groupKey" TEXT NOT NULL,
    "ticketKey" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "firing" TEXT NOT NULL,
    "repeats" INTEGER NOT NULL DEFAULT 0,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertGroup_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "AlertGroup_ticketKey_idx" ON "AlertGroup"("ticketKey");
