-- The inbox's enqueue as one round trip (issue 21 item 1). Storing a delivery and claiming it was
-- BEGIN, the order key's advisory lock, the insert and COMMIT: four round trips before Slack is
-- answered. The insert must run after the lock in a statement of its own, so that its snapshot
-- sees every earlier item of the key (their enqueues committed before the lock was free); inside
-- a VOLATILE function each statement takes a new snapshot (READ COMMITTED), so the same order
-- holds in one call. It first marks the worker's finished items done (the queue's 'done' riding
-- on the next delivery's write). An autocommit call: one commit, waited for as before.
CREATE FUNCTION "helpdesk_enqueue_claimed"(
  "p_key" TEXT, "p_kind" TEXT, "p_order_key" TEXT, "p_payload" TEXT, "p_now" TIMESTAMP(3),
  "p_worker" TEXT, "p_lease_until" TIMESTAMP(3), "p_done" INTEGER[]
) RETURNS TABLE ("out_seq" INTEGER, "out_attempts" INTEGER)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF cardinality("p_done") > 0 THEN
    UPDATE "QueueItem" AS q SET "status" = 'done', "doneAt" = "p_now", "leaseUntil" = NULL
    WHERE q."seq" = ANY("p_done") AND q."claimedBy" = "p_worker" AND q."status" = 'pending';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended("p_order_key", 0));
  RETURN QUERY
  INSERT INTO "QueueItem" AS q ("key", "kind", "orderKey", "payload", "status", "attempts", "runAfter", "claimedBy", "leaseUntil", "createdAt")
  SELECT "p_key", "p_kind", "p_order_key", "p_payload", 'pending', CASE WHEN h."free" THEN 1 ELSE 0 END, "p_now",
         CASE WHEN h."free" THEN "p_worker" END, CASE WHEN h."free" THEN "p_lease_until" END, "p_now"
  FROM (SELECT NOT EXISTS (SELECT 1 FROM "QueueItem" AS e WHERE e."orderKey" = "p_order_key" AND e."status" = 'pending') AS "free") AS h
  ON CONFLICT ("key") DO NOTHING
  RETURNING q."seq", q."attempts";
END;
$$;
