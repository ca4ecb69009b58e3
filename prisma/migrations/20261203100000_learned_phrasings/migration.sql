-- CreateTable
CREATE TABLE "LearnedPhrasing" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "articleId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "textKey" TEXT NOT NULL,
    "askers" INTEGER NOT NULL DEFAULT 0,
    "notHelpful" INTEGER NOT NULL DEFAULT 0,
    "confirmations" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "firstSeen" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeen" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "LearnedPhrasingVote" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "phrasingId" INTEGER NOT NULL,
    "askerHash" TEXT NOT NULL,
    "helpful" BOOLEAN NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LearnedPhrasingVote_phrasingId_fkey" FOREIGN KEY ("phrasingId") REFERENCES "LearnedPhrasing" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "LearnedPhrasing_articleId_textKey_key" ON "LearnedPhrasing"("articleId", "textKey");

-- CreateIndex
CREATE UNIQUE INDEX "LearnedPhrasingVote_phrasingId_askerHash_key" ON "LearnedPhrasingVote"("phrasingId", "askerHash");
