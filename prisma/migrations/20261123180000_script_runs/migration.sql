-- CreateTable
CREATE TABLE "ScriptRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "conversationKey" TEXT NOT NULL,
    "scriptId" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "collected" TEXT NOT NULL,
    "rating" INTEGER,
    "ticketKey" TEXT,
    "startedAt" DATETIME NOT NULL,
    "endedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "ScriptRun_scriptId_idx" ON "ScriptRun"("scriptId");
