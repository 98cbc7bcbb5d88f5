-- AlterTable
ALTER TABLE "LinkCode" ADD COLUMN     "claimChannel" TEXT,
ADD COLUMN     "claimExternalId" TEXT,
ADD COLUMN     "claimedAt" TIMESTAMP(3);
