-- DropIndex: ("status") is the left prefix of ("status", "priority", "createdAt"), which the queries
-- on a ticket's status alone use in its place: EXPLAIN of each (the lists, the SLA sweep, the
-- queue's search and counts, settled tickets) over 20,000 tickets shows the composite, or a scan
-- where most rows match (settled tickets; on PostgreSQL also open ones when 45% are open). One
-- index less to write on every ticket's insert and status change.
DROP INDEX "Ticket_status_idx";
