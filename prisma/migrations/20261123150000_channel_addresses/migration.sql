-- CreateTable
CREATE TABLE "ChannelAddress" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);
