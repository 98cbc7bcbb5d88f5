-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_InboundEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "payloadJson" TEXT NOT NULL,
    "userId" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "leaseUntil" DATETIME,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" DATETIME
);
INSERT INTO "new_InboundEvent" ("attempts", "channel", "dedupeKey", "id", "lastError", "payloadJson", "processedAt", "receivedAt", "status") SELECT "attempts", "channel", "dedupeKey", "id", "lastError", "payloadJson", "processedAt", "receivedAt", "status" FROM "InboundEvent";
DROP TABLE "InboundEvent";
ALTER TABLE "new_InboundEvent" RENAME TO "InboundEvent";
CREATE INDEX "InboundEvent_status_receivedAt_idx" ON "InboundEvent"("status", "receivedAt");
CREATE INDEX "InboundEvent_channel_userId_receivedAt_idx" ON "InboundEvent"("channel", "userId", "receivedAt");
CREATE UNIQUE INDEX "InboundEvent_channel_dedupeKey_key" ON "InboundEvent"("channel", "dedupeKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
