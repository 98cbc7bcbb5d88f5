-- AlterTable
ALTER TABLE "SentCard" ADD COLUMN "round" INTEGER;
ALTER TABLE "SentCard" ADD COLUMN "subjectId" TEXT;
ALTER TABLE "SentCard" ADD COLUMN "subjectType" TEXT;

-- AlterTable
ALTER TABLE "ServiceLog" ADD COLUMN "channel" TEXT;
ALTER TABLE "ServiceLog" ADD COLUMN "toPersonId" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ServiceRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "studioId" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "subItem" TEXT,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "description" TEXT NOT NULL,
    "attachmentChannel" TEXT,
    "attachmentMediaId" TEXT,
    "attachmentKey" TEXT,
    "attachmentKind" TEXT,
    "attachmentName" TEXT,
    "requestedById" TEXT NOT NULL,
    "ownerId" TEXT,
    "status" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "acceptedAt" DATETIME,
    "acceptedById" TEXT,
    "dueAt" DATETIME,
    "escalationLevel" INTEGER NOT NULL DEFAULT 0,
    "escalatedAt" DATETIME,
    "outcome" TEXT,
    "closedById" TEXT,
    "closedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ServiceRequest_studioId_fkey" FOREIGN KEY ("studioId") REFERENCES "Studio" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_ServiceRequest" ("category", "closedAt", "createdAt", "description", "escalatedAt", "id", "ownerId", "requestedById", "status", "studioId", "subItem", "updatedAt") SELECT "category", "closedAt", "createdAt", "description", "escalatedAt", "id", "ownerId", "requestedById", "status", "studioId", "subItem", "updatedAt" FROM "ServiceRequest";
DROP TABLE "ServiceRequest";
ALTER TABLE "new_ServiceRequest" RENAME TO "ServiceRequest";
CREATE INDEX "ServiceRequest_studioId_status_idx" ON "ServiceRequest"("studioId", "status");
CREATE INDEX "ServiceRequest_status_dueAt_idx" ON "ServiceRequest"("status", "dueAt");
CREATE INDEX "ServiceRequest_requestedById_idx" ON "ServiceRequest"("requestedById");
CREATE TABLE "new_Studio" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "number" TEXT NOT NULL,
    "enterpriseId" TEXT NOT NULL,
    "applicationId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "approvedAt" DATETIME NOT NULL,
    "fundingYuan" BIGINT,
    "setupRound" INTEGER NOT NULL DEFAULT 0,
    "setupSubmittedAt" DATETIME,
    "setupConfirmedAt" DATETIME,
    "setupConfirmedById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Studio_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "Enterprise" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Studio_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "Application" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Studio" ("applicationId", "approvedAt", "createdAt", "enterpriseId", "fundingYuan", "id", "number", "setupConfirmedAt", "setupConfirmedById", "status") SELECT "applicationId", "approvedAt", "createdAt", "enterpriseId", "fundingYuan", "id", "number", "setupConfirmedAt", "setupConfirmedById", "status" FROM "Studio";
DROP TABLE "Studio";
ALTER TABLE "new_Studio" RENAME TO "Studio";
CREATE UNIQUE INDEX "Studio_number_key" ON "Studio"("number");
CREATE UNIQUE INDEX "Studio_applicationId_key" ON "Studio"("applicationId");
CREATE TABLE "new_StudioMember" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "studioId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "employment" TEXT NOT NULL,
    "agencyId" TEXT,
    "isManager" BOOLEAN NOT NULL DEFAULT false,
    "managerInManagement" BOOLEAN,
    "managerTechMgmtExperience" BOOLEAN,
    "managerIpKnowledge" BOOLEAN,
    "managerFactsAt" DATETIME,
    "joinedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "addedById" TEXT,
    "leftAt" DATETIME,
    "removedById" TEXT,
    CONSTRAINT "StudioMember_studioId_fkey" FOREIGN KEY ("studioId") REFERENCES "Studio" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "StudioMember_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "StudioMember_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_StudioMember" ("agencyId", "employment", "id", "joinedAt", "leftAt", "personId", "side", "studioId") SELECT "agencyId", "employment", "id", "joinedAt", "leftAt", "personId", "side", "studioId" FROM "StudioMember";
DROP TABLE "StudioMember";
ALTER TABLE "new_StudioMember" RENAME TO "StudioMember";
CREATE INDEX "StudioMember_studioId_side_idx" ON "StudioMember"("studioId", "side");
CREATE TABLE "new_StudioSetupItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "studioId" TEXT NOT NULL,
    "item" TEXT NOT NULL,
    "note" TEXT,
    "photoChannel" TEXT,
    "photoMediaId" TEXT,
    "photoKey" TEXT,
    "completedAt" DATETIME,
    "recordedById" TEXT,
    "confirmedById" TEXT,
    "confirmedAt" DATETIME,
    "returnedAt" DATETIME,
    "returnedById" TEXT,
    "returnReason" TEXT,
    CONSTRAINT "StudioSetupItem_studioId_fkey" FOREIGN KEY ("studioId") REFERENCES "Studio" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_StudioSetupItem" ("completedAt", "confirmedAt", "confirmedById", "id", "item", "note", "studioId") SELECT "completedAt", "confirmedAt", "confirmedById", "id", "item", "note", "studioId" FROM "StudioSetupItem";
DROP TABLE "StudioSetupItem";
ALTER TABLE "new_StudioSetupItem" RENAME TO "StudioSetupItem";
CREATE UNIQUE INDEX "StudioSetupItem_studioId_item_key" ON "StudioSetupItem"("studioId", "item");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "JobRun_job_startedAt_idx" ON "JobRun"("job", "startedAt");

-- CreateIndex
CREATE INDEX "SentCard_subjectType_subjectId_idx" ON "SentCard"("subjectType", "subjectId");
