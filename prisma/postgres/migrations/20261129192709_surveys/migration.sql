-- DropForeignKey
ALTER TABLE "FollowUp" DROP CONSTRAINT "FollowUp_responseId_fkey";

-- DropForeignKey
ALTER TABLE "Survey" DROP CONSTRAINT "Survey_serviceRequestId_fkey";

-- DropIndex
DROP INDEX "Survey_serviceRequestId_key";

-- AlterTable
ALTER TABLE "FollowUp" DROP COLUMN "createdAt",
DROP COLUMN "ownerId",
ADD COLUMN     "dueOn" TEXT NOT NULL,
ADD COLUMN     "escalatedAt" TIMESTAMP(3),
ADD COLUMN     "openedOn" TEXT NOT NULL,
ADD COLUMN     "remindedAt" TIMESTAMP(3),
ADD COLUMN     "studioId" TEXT NOT NULL,
ADD COLUMN     "toldAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Survey" DROP COLUMN "anonymous",
DROP COLUMN "createdAt",
DROP COLUMN "serviceRequestId",
ADD COLUMN     "createdById" TEXT,
ADD COLUMN     "enterpriseId" TEXT NOT NULL,
ADD COLUMN     "expiresAt" TIMESTAMP(3) NOT NULL,
ADD COLUMN     "flowId" TEXT NOT NULL,
ADD COLUMN     "flowVersion" INTEGER NOT NULL,
ADD COLUMN     "kind" TEXT NOT NULL,
ADD COLUMN     "sentAt" TIMESTAMP(3) NOT NULL,
ADD COLUMN     "status" TEXT NOT NULL,
ADD COLUMN     "title" TEXT NOT NULL;

-- AlterTable
ALTER TABLE "SurveyInvitation" DROP COLUMN "answeredAt",
DROP COLUMN "lastRemindedAt",
ADD COLUMN     "answeredOn" TEXT,
ALTER COLUMN "sentAt" SET NOT NULL;

-- AlterTable
ALTER TABLE "SurveyResponse" DROP COLUMN "createdAt",
DROP COLUMN "score",
ADD COLUMN     "anonymous" BOOLEAN NOT NULL,
ADD COLUMN     "answeredOn" TEXT NOT NULL,
ADD COLUMN     "flowVersion" INTEGER NOT NULL,
ADD COLUMN     "overall" INTEGER NOT NULL,
ADD COLUMN     "professionalism" INTEGER NOT NULL,
ADD COLUMN     "recommend" INTEGER NOT NULL,
ADD COLUMN     "timeliness" INTEGER NOT NULL;

-- CreateTable
CREATE TABLE "SurveyService" (
    "serviceRequestId" TEXT NOT NULL,
    "surveyId" TEXT NOT NULL,

    CONSTRAINT "SurveyService_pkey" PRIMARY KEY ("serviceRequestId")
);

-- CreateIndex
CREATE INDEX "SurveyService_surveyId_idx" ON "SurveyService"("surveyId");

-- CreateIndex
CREATE INDEX "FollowUp_status_dueOn_idx" ON "FollowUp"("status", "dueOn");

-- CreateIndex
CREATE INDEX "FollowUp_studioId_idx" ON "FollowUp"("studioId");

-- CreateIndex
CREATE INDEX "ServiceRequest_status_closedAt_idx" ON "ServiceRequest"("status", "closedAt");

-- CreateIndex
CREATE INDEX "Survey_enterpriseId_sentAt_idx" ON "Survey"("enterpriseId", "sentAt");

-- CreateIndex
CREATE INDEX "Survey_status_expiresAt_idx" ON "Survey"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "SurveyInvitation_answeredOn_sentAt_idx" ON "SurveyInvitation"("answeredOn", "sentAt");

-- CreateIndex
CREATE INDEX "SurveyResponse_surveyId_idx" ON "SurveyResponse"("surveyId");

-- AddForeignKey
ALTER TABLE "SurveyService" ADD CONSTRAINT "SurveyService_serviceRequestId_fkey" FOREIGN KEY ("serviceRequestId") REFERENCES "ServiceRequest"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyService" ADD CONSTRAINT "SurveyService_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FollowUp" ADD CONSTRAINT "FollowUp_responseId_fkey" FOREIGN KEY ("responseId") REFERENCES "SurveyResponse"("id") ON DELETE CASCADE ON UPDATE CASCADE;
