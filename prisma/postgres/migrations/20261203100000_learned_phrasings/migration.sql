-- CreateTable
CREATE TABLE "LearnedPhrasing" (
    "id" SERIAL NOT NULL,
    "articleId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "textKey" TEXT NOT NULL,
    "askers" INTEGER NOT NULL DEFAULT 0,
    "notHelpful" INTEGER NOT NULL DEFAULT 0,
    "confirmations" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "firstSeen" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeen" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LearnedPhrasing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LearnedPhrasingVote" (
    "id" SERIAL NOT NULL,
    "phrasingId" INTEGER NOT NULL,
    "askerHash" TEXT NOT NULL,
    "helpful" BOOLEAN NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LearnedPhrasingVote_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LearnedPhrasing_articleId_textKey_key" ON "LearnedPhrasing"("articleId", "textKey");

-- CreateIndex
CREATE UNIQUE INDEX "LearnedPhrasingVote_phrasingId_askerHash_key" ON "LearnedPhrasingVote"("phrasingId", "askerHash");

-- AddForeignKey
ALTER TABLE "LearnedPhrasingVote" ADD CONSTRAINT "LearnedPhrasingVote_phrasingId_fkey" FOREIGN KEY ("phrasingId") REFERENCES "LearnedPhrasing"("id") ON DELETE CASCADE ON UPDATE CASCADE;
