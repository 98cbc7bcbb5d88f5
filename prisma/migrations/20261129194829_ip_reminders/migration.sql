-- CreateTable
CREATE TABLE "ReminderDigest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "personId" TEXT NOT NULL,
    "sentOn" TEXT NOT NULL,
    "itemsJson" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "CalendarYear" (
    "year" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "holidaysJson" TEXT NOT NULL,
    "makeupJson" TEXT NOT NULL,
    "note" TEXT,
    "updatedById" TEXT,
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_IpAsset" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "enterpriseId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "number" TEXT,
    "naturalKey" TEXT NOT NULL,
    "jurisdiction" TEXT NOT NULL DEFAULT 'CN',
    "filingDate" TEXT,
    "priorityDate" TEXT,
    "grantDate" TEXT,
    "expiryDate" TEXT,
    "startDate" TEXT,
    "endDate" TEXT,
    "annuityPaidYear" INTEGER,
    "feeReductionPct" INTEGER,
    "tmClass" TEXT,
    "countries" TEXT,
    "insurer" TEXT,
    "isHighValue" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "source" TEXT NOT NULL DEFAULT 'chat',
    "metaJson" TEXT NOT NULL DEFAULT '{}',
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "IpAsset_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "Enterprise" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_IpAsset" ("createdAt", "enterpriseId", "expiryDate", "filingDate", "grantDate", "id", "isHighValue", "jurisdiction", "kind", "metaJson", "number", "priorityDate", "source", "status", "title", "updatedAt") SELECT "createdAt", "enterpriseId", "expiryDate", "filingDate", "grantDate", "id", "isHighValue", "jurisdiction", "kind", "metaJson", "number", "priorityDate", "source", "status", "title", "updatedAt" FROM "IpAsset";
DROP TABLE "IpAsset";
ALTER TABLE "new_IpAsset" RENAME TO "IpAsset";
CREATE INDEX "IpAsset_enterpriseId_kind_idx" ON "IpAsset"("enterpriseId", "kind");
CREATE UNIQUE INDEX "IpAsset_enterpriseId_naturalKey_key" ON "IpAsset"("enterpriseId", "naturalKey");
CREATE TABLE "new_Reminder" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "enterpriseId" TEXT NOT NULL,
    "assetId" TEXT,
    "kind" TEXT NOT NULL,
    "dueDate" TEXT NOT NULL,
    "graceEndDate" TEXT,
    "detailJson" TEXT NOT NULL DEFAULT '{}',
    "nextRemindOn" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "snoozedUntil" TEXT,
    "ackedAt" DATETIME,
    "ackedById" TEXT,
    "escalatedAt" DATETIME,
    "dedupeKey" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Reminder_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "Enterprise" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Reminder_assetId_fkey" FOREIGN KEY ("assetId") REFERENCES "IpAsset" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Reminder" ("ackedAt", "assetId", "createdAt", "dedupeKey", "dueDate", "enterpriseId", "id", "kind", "snoozedUntil", "status") SELECT "ackedAt", "assetId", "createdAt", "dedupeKey", "dueDate", "enterpriseId", "id", "kind", "snoozedUntil", "status" FROM "Reminder";
DROP TABLE "Reminder";
ALTER TABLE "new_Reminder" RENAME TO "Reminder";
CREATE UNIQUE INDEX "Reminder_dedupeKey_key" ON "Reminder"("dedupeKey");
CREATE INDEX "Reminder_nextRemindOn_idx" ON "Reminder"("nextRemindOn");
CREATE INDEX "Reminder_enterpriseId_status_idx" ON "Reminder"("enterpriseId", "status");
CREATE TABLE "new_ReminderDelivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reminderId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "milestone" TEXT NOT NULL,
    "sentOn" TEXT NOT NULL,
    "digestId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ReminderDelivery_reminderId_fkey" FOREIGN KEY ("reminderId") REFERENCES "Reminder" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ReminderDelivery" ("createdAt", "id", "personId", "reminderId", "sentOn") SELECT "createdAt", "id", "personId", "reminderId", "sentOn" FROM "ReminderDelivery";
DROP TABLE "ReminderDelivery";
ALTER TABLE "new_ReminderDelivery" RENAME TO "ReminderDelivery";
CREATE INDEX "ReminderDelivery_personId_sentOn_idx" ON "ReminderDelivery"("personId", "sentOn");
CREATE UNIQUE INDEX "ReminderDelivery_reminderId_milestone_personId_key" ON "ReminderDelivery"("reminderId", "milestone", "personId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "ReminderDigest_personId_sentOn_key" ON "ReminderDigest"("personId", "sentOn");
