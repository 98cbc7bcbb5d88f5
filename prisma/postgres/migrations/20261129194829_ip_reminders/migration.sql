-- DropIndex
DROP INDEX "Reminder_status_remindOn_idx";

-- DropIndex
DROP INDEX "ReminderDelivery_reminderId_personId_sentOn_key";

-- AlterTable
ALTER TABLE "IpAsset" ADD COLUMN     "annuityPaidYear" INTEGER,
ADD COLUMN     "countries" TEXT,
ADD COLUMN     "createdById" TEXT,
ADD COLUMN     "endDate" TEXT,
ADD COLUMN     "feeReductionPct" INTEGER,
ADD COLUMN     "insurer" TEXT,
ADD COLUMN     "naturalKey" TEXT NOT NULL,
ADD COLUMN     "startDate" TEXT,
ADD COLUMN     "tmClass" TEXT;

-- AlterTable
ALTER TABLE "Reminder" DROP COLUMN "remindOn",
ADD COLUMN     "ackedById" TEXT,
ADD COLUMN     "detailJson" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "escalatedAt" TIMESTAMP(3),
ADD COLUMN     "graceEndDate" TEXT,
ADD COLUMN     "nextRemindOn" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL;

-- AlterTable
ALTER TABLE "ReminderDelivery" DROP COLUMN "outboxId",
ADD COLUMN     "digestId" TEXT,
ADD COLUMN     "milestone" TEXT NOT NULL;

-- CreateTable
CREATE TABLE "ReminderDigest" (
    "id" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "sentOn" TEXT NOT NULL,
    "itemsJson" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReminderDigest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarYear" (
    "year" INTEGER NOT NULL,
    "holidaysJson" TEXT NOT NULL,
    "makeupJson" TEXT NOT NULL,
    "note" TEXT,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CalendarYear_pkey" PRIMARY KEY ("year")
);

-- CreateIndex
CREATE UNIQUE INDEX "ReminderDigest_personId_sentOn_key" ON "ReminderDigest"("personId", "sentOn");

-- CreateIndex
CREATE UNIQUE INDEX "IpAsset_enterpriseId_naturalKey_key" ON "IpAsset"("enterpriseId", "naturalKey");

-- CreateIndex
CREATE INDEX "Reminder_nextRemindOn_idx" ON "Reminder"("nextRemindOn");

-- CreateIndex
CREATE INDEX "Reminder_enterpriseId_status_idx" ON "Reminder"("enterpriseId", "status");

-- CreateIndex
CREATE INDEX "ReminderDelivery_personId_sentOn_idx" ON "ReminderDelivery"("personId", "sentOn");

-- CreateIndex
CREATE UNIQUE INDEX "ReminderDelivery_reminderId_milestone_personId_key" ON "ReminderDelivery"("reminderId", "milestone", "personId");
