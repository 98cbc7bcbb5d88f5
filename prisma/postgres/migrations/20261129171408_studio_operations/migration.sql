-- AlterTable
ALTER TABLE "SentCard" ADD COLUMN     "round" INTEGER,
ADD COLUMN     "subjectId" TEXT,
ADD COLUMN     "subjectType" TEXT;

-- AlterTable
ALTER TABLE "ServiceLog" ADD COLUMN     "channel" TEXT,
ADD COLUMN     "toPersonId" TEXT;

-- AlterTable
ALTER TABLE "ServiceRequest" DROP COLUMN "dueOn",
ADD COLUMN     "acceptedAt" TIMESTAMP(3),
ADD COLUMN     "acceptedById" TEXT,
ADD COLUMN     "attachmentChannel" TEXT,
ADD COLUMN     "attachmentKey" TEXT,
ADD COLUMN     "attachmentKind" TEXT,
ADD COLUMN     "attachmentMediaId" TEXT,
ADD COLUMN     "attachmentName" TEXT,
ADD COLUMN     "closedById" TEXT,
ADD COLUMN     "dueAt" TIMESTAMP(3),
ADD COLUMN     "escalationLevel" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "outcome" TEXT,
ADD COLUMN     "urgent" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "Studio" ADD COLUMN     "setupRound" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "setupSubmittedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "StudioMember" ADD COLUMN     "addedById" TEXT,
ADD COLUMN     "isManager" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "managerFactsAt" TIMESTAMP(3),
ADD COLUMN     "managerInManagement" BOOLEAN,
ADD COLUMN     "managerIpKnowledge" BOOLEAN,
ADD COLUMN     "managerTechMgmtExperience" BOOLEAN,
ADD COLUMN     "removedById" TEXT;

-- AlterTable
ALTER TABLE "StudioSetupItem" DROP COLUMN "photoRef",
ADD COLUMN     "photoChannel" TEXT,
ADD COLUMN     "photoKey" TEXT,
ADD COLUMN     "photoMediaId" TEXT,
ADD COLUMN     "recordedById" TEXT,
ADD COLUMN     "returnReason" TEXT,
ADD COLUMN     "returnedAt" TIMESTAMP(3),
ADD COLUMN     "returnedById" TEXT;

-- CreateIndex
CREATE INDEX "JobRun_job_startedAt_idx" ON "JobRun"("job", "startedAt");

-- CreateIndex
CREATE INDEX "SentCard_subjectType_subjectId_idx" ON "SentCard"("subjectType", "subjectId");

-- CreateIndex
CREATE INDEX "ServiceRequest_status_dueAt_idx" ON "ServiceRequest"("status", "dueAt");

-- CreateIndex
CREATE INDEX "ServiceRequest_requestedById_idx" ON "ServiceRequest"("requestedById");
