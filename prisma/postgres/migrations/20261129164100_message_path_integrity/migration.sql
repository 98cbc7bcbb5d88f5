-- AlterTable
ALTER TABLE "ConversationSession" ADD COLUMN     "lastInput" TEXT,
ADD COLUMN     "lastInputAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "InboundEvent" ADD COLUMN     "leaseOwner" TEXT;

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "contentHash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "seq" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "variant" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "AuditHead" (
    "id" INTEGER NOT NULL,
    "lastId" INTEGER NOT NULL DEFAULT 0,
    "lastHash" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "AuditHead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AdminSession" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "lastSeenAt" TIMESTAMP(3),

    CONSTRAINT "AdminSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AdminSession_expiresAt_idx" ON "AdminSession"("expiresAt");

-- CreateIndex
CREATE INDEX "AuditLog_actorId_at_idx" ON "AuditLog"("actorId", "at");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");

-- CreateIndex
CREATE INDEX "OutboxMessage_channel_externalUserId_seq_idx" ON "OutboxMessage"("channel", "externalUserId", "seq");

-- CreateIndex
CREATE INDEX "OutboxMessage_channel_externalUserId_contentHash_idx" ON "OutboxMessage"("channel", "externalUserId", "contentHash");
