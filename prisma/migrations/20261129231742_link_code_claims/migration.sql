-- AlterTable
ALTER TABLE "LinkCode" ADD COLUMN "claimChannel" TEXT;
ALTER TABLE "LinkCode" ADD COLUMN "claimExternalId" TEXT;
ALTER TABLE "LinkCode" ADD COLUMN "claimedAt" DATETIME;
