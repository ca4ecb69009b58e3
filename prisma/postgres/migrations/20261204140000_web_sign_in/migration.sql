-- CreateTable: one-time sign-in links to the web view (issue 18).
CREATE TABLE "WebSignInLink" (
    "id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "personName" TEXT,
    "role" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebSignInLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable: web view sessions.
CREATE TABLE "WebSession" (
    "id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "personName" TEXT,
    "role" TEXT NOT NULL,
    "csrf" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WebSignInLink_expiresAt_idx" ON "WebSignInLink"("expiresAt");

-- CreateIndex
CREATE INDEX "WebSession_expiresAt_idx" ON "WebSession"("expiresAt");
