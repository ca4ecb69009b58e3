-- CreateIndex: a person's latest conversations in a chat, for the language to speak to them in
-- where no conversation is at hand yet (a form opened from a command, their list of tickets).
CREATE INDEX "Conversation_channel_userId_updatedAt_idx" ON "Conversation"("channel", "userId", "updatedAt");
