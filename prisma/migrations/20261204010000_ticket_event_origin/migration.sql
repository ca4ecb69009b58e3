-- AlterTable: the delivery a change was made for, as a column (it was only in the detail JSON).
ALTER TABLE "TicketEvent" ADD COLUMN "origin" TEXT;

-- Events written before this migration keep being recognised when their delivery is handled again.
UPDATE "TicketEvent" SET "origin" = json_extract("detail", '$.origin')
WHERE json_valid("detail") AND json_type("detail", '$.origin') = 'text';

-- CreateIndex
CREATE INDEX "TicketEvent_ticketId_origin_idx" ON "TicketEvent"("ticketId", "origin");
