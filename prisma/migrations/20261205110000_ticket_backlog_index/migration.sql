-- CreateIndex: the lead report's backlog counts open tickets by status, priority and opening time
-- (issue 18); EXPLAIN on SQLite and PostgreSQL shows its 24 counts use it.
CREATE INDEX "Ticket_status_priority_createdAt_idx" ON "Ticket"("status", "priority", "createdAt");
