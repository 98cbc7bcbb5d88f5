-- AlterTable
ALTER TABLE "ConversationSession" ADD COLUMN "lastInput" TEXT;
ALTER TABLE "ConversationSession" ADD COLUMN "lastInputAt" DATETIME;

-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN "leaseOwner" TEXT;

-- CreateTable
CREATE TABLE "AuditHead" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "lastId" INTEGER NOT NULL DEFAULT 0,
    "lastHash" TEXT NOT NULL DEFAULT ''
);

-- CreateTable
CREATE TABLE "AdminSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    "lastSeenAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_OutboxMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "externalUserId" TEXT NOT NULL,
    "personId" TEXT,
    "payloadJson" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" DATETIME,
    "lastError" TEXT,
    "externalId" TEXT,
    "dedupeKey" TEXT,
    "seq" BIGINT NOT NULL DEFAULT 0,
    "contentHash" TEXT NOT NULL DEFAULT '',
    "variant" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME
);
INSERT INTO "new_OutboxMessage" ("attempts", "channel", "createdAt", "dedupeKey", "externalId", "externalUserId", "id", "lastError", "lockedUntil", "nextAttemptAt", "payloadJson", "personId", "sentAt", "status") SELECT "attempts", "channel", "createdAt", "dedupeKey", "externalId", "externalUserId", "id", "lastError", "lockedUntil", "nextAttemptAt", "payloadJson", "personId", "sentAt", "status" FROM "OutboxMessage";
DROP TABLE "OutboxMessage";
ALTER TABLE "new_OutboxMessage" RENAME TO "OutboxMessage";
CREATE UNIQUE INDEX "OutboxMessage_dedupeKey_key" ON "OutboxMessage"("dedupeKey");
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");
CREATE INDEX "OutboxMessage_channel_externalUserId_sentAt_idx" ON "OutboxMessage"("channel", "externalUserId", "sentAt");
CREATE INDEX "OutboxMessage_channel_externalUserId_seq_idx" ON "OutboxMessage"("channel", "externalUserId", "seq");
CREATE INDEX "OutboxMessage_channel_externalUserId_contentHash_idx" ON "OutboxMessage"("channel", "externalUserId", "contentHash");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "AdminSession_expiresAt_idx" ON "AdminSession"("expiresAt");

-- CreateIndex
CREATE INDEX "AuditLog_actorId_at_idx" ON "AuditLog"("actorId", "at");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");
