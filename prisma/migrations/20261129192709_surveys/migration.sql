-- CreateTable
CREATE TABLE "SurveyService" (
    "serviceRequestId" TEXT NOT NULL PRIMARY KEY,
    "surveyId" TEXT NOT NULL,
    CONSTRAINT "SurveyService_serviceRequestId_fkey" FOREIGN KEY ("serviceRequestId") REFERENCES "ServiceRequest" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "SurveyService_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_FollowUp" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "responseId" TEXT NOT NULL,
    "studioId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "openedOn" TEXT NOT NULL,
    "dueOn" TEXT NOT NULL,
    "remindedAt" DATETIME,
    "escalatedAt" DATETIME,
    "resolution" TEXT,
    "closedById" TEXT,
    "closedAt" DATETIME,
    "toldAt" DATETIME,
    CONSTRAINT "FollowUp_responseId_fkey" FOREIGN KEY ("responseId") REFERENCES "SurveyResponse" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_FollowUp" ("closedAt", "closedById", "id", "resolution", "responseId", "status") SELECT "closedAt", "closedById", "id", "resolution", "responseId", "status" FROM "FollowUp";
DROP TABLE "FollowUp";
ALTER TABLE "new_FollowUp" RENAME TO "FollowUp";
CREATE UNIQUE INDEX "FollowUp_responseId_key" ON "FollowUp"("responseId");
CREATE INDEX "FollowUp_status_dueOn_idx" ON "FollowUp"("status", "dueOn");
CREATE INDEX "FollowUp_studioId_idx" ON "FollowUp"("studioId");
CREATE TABLE "new_Survey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "studioId" TEXT NOT NULL,
    "enterpriseId" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "flowVersion" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "createdById" TEXT,
    CONSTRAINT "Survey_studioId_fkey" FOREIGN KEY ("studioId") REFERENCES "Studio" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Survey" ("id", "studioId") SELECT "id", "studioId" FROM "Survey";
DROP TABLE "Survey";
ALTER TABLE "new_Survey" RENAME TO "Survey";
CREATE INDEX "Survey_enterpriseId_sentAt_idx" ON "Survey"("enterpriseId", "sentAt");
CREATE INDEX "Survey_status_expiresAt_idx" ON "Survey"("status", "expiresAt");
CREATE TABLE "new_SurveyInvitation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "surveyId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,
    "remindersSent" INTEGER NOT NULL DEFAULT 0,
    "answeredOn" TEXT,
    CONSTRAINT "SurveyInvitation_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_SurveyInvitation" ("id", "personId", "remindersSent", "sentAt", "surveyId") SELECT "id", "personId", "remindersSent", "sentAt", "surveyId" FROM "SurveyInvitation";
DROP TABLE "SurveyInvitation";
ALTER TABLE "new_SurveyInvitation" RENAME TO "SurveyInvitation";
CREATE INDEX "SurveyInvitation_answeredOn_sentAt_idx" ON "SurveyInvitation"("answeredOn", "sentAt");
CREATE UNIQUE INDEX "SurveyInvitation_surveyId_personId_key" ON "SurveyInvitation"("surveyId", "personId");
CREATE TABLE "new_SurveyResponse" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "surveyId" TEXT NOT NULL,
    "personId" TEXT,
    "anonymous" BOOLEAN NOT NULL,
    "overall" INTEGER NOT NULL,
    "timeliness" INTEGER NOT NULL,
    "professionalism" INTEGER NOT NULL,
    "recommend" INTEGER NOT NULL,
    "comment" TEXT,
    "answersJson" TEXT NOT NULL DEFAULT '{}',
    "flowVersion" INTEGER NOT NULL,
    "answeredOn" TEXT NOT NULL,
    CONSTRAINT "SurveyResponse_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_SurveyResponse" ("answersJson", "comment", "id", "personId", "surveyId") SELECT "answersJson", "comment", "id", "personId", "surveyId" FROM "SurveyResponse";
DROP TABLE "SurveyResponse";
ALTER TABLE "new_SurveyResponse" RENAME TO "SurveyResponse";
CREATE INDEX "SurveyResponse_surveyId_idx" ON "SurveyResponse"("surveyId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "SurveyService_surveyId_idx" ON "SurveyService"("surveyId");

-- CreateIndex
CREATE INDEX "ServiceRequest_status_closedAt_idx" ON "ServiceRequest"("status", "closedAt");
