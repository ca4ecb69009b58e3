-- AlterTable: the delivery a change was made for, as a column (it was only in the detail JSON).
ALTER TABLE "TicketEvent" ADD COLUMN "origin" TEXT;

-- Events written before this migration keep being recognised when their delivery is handled again.
UPDATE "TicketEvent" SET "origin" = "detail"::jsonb ->> 'origin'
WHERE "detail" LIKE '%"origin"%' AND jsonb_typeof("detail"::jsonb -> 'origin') = 'string';

-- CreateIndex
CREATE INDEX "TicketEvent_ticketId_origin_idx" ON "TicketEvent"("ticketId", "origin");
