-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "userId" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "InboundEvent_channel_userId_receivedAt_idx" ON "InboundEvent"("channel", "userId", "receivedAt");
