-- CreateTable
CREATE TABLE "LinkCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "personId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LinkCode_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_SentCard" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "externalUserId" TEXT NOT NULL,
    "personId" TEXT,
    "purpose" TEXT NOT NULL,
    "approvalStepId" TEXT,
    "subjectType" TEXT,
    "subjectId" TEXT,
    "round" INTEGER,
    "responseCode" TEXT,
    "responseCodeAt" DATETIME,
    "responseCodeUsedAt" DATETIME,
    "handleSingleUse" BOOLEAN NOT NULL DEFAULT false,
    "handleExpiresAt" DATETIME,
    "finalText" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SentCard_approvalStepId_fkey" FOREIGN KEY ("approvalStepId") REFERENCES "ApprovalStep" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_SentCard" ("approvalStepId", "channel", "createdAt", "externalUserId", "finalText", "id", "personId", "purpose", "responseCode", "responseCodeAt", "responseCodeUsedAt", "round", "subjectId", "subjectType") SELECT "approvalStepId", "channel", "createdAt", "externalUserId", "finalText", "id", "personId", "purpose", "responseCode", "responseCodeAt", "responseCodeUsedAt", "round", "subjectId", "subjectType" FROM "SentCard";
DROP TABLE "SentCard";
ALTER TABLE "new_SentCard" RENAME TO "SentCard";
CREATE INDEX "SentCard_approvalStepId_idx" ON "SentCard"("approvalStepId");
CREATE INDEX "SentCard_subjectType_subjectId_idx" ON "SentCard"("subjectType", "subjectId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "LinkCode_codeHash_key" ON "LinkCode"("codeHash");

-- CreateIndex
CREATE INDEX "LinkCode_personId_createdAt_idx" ON "LinkCode"("personId", "createdAt");

-- Cards sent before handles carried their rules: WeCom response_codes are single use, and treating
-- the old ones as expired sends a text instead of a card update that could fail.
UPDATE "SentCard" SET "handleSingleUse" = true, "handleExpiresAt" = "responseCodeAt" WHERE "channel" = 'wecom';
