-- AlterTable
ALTER TABLE "SentCard" ADD COLUMN     "handleExpiresAt" TIMESTAMP(3),
ADD COLUMN     "handleSingleUse" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "LinkCode" (
    "id" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LinkCode_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LinkCode_codeHash_key" ON "LinkCode"("codeHash");

-- CreateIndex
CREATE INDEX "LinkCode_personId_createdAt_idx" ON "LinkCode"("personId", "createdAt");

-- AddForeignKey
ALTER TABLE "LinkCode" ADD CONSTRAINT "LinkCode_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Cards sent before handles carried their rules: WeCom response_codes are single use, and treating
-- the old ones as expired sends a text instead of a card update that could fail.
UPDATE "SentCard" SET "handleSingleUse" = true, "handleExpiresAt" = "responseCodeAt" WHERE "channel" = 'wecom';
