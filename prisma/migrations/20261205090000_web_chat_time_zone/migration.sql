-- The time zone a person's chat gives when they ask for a sign-in link (issue 18): the web view's
-- zone for them until they choose one in the browser. Null: the chat gave none (UTC).
ALTER TABLE "WebSignInLink" ADD COLUMN "timeZone" TEXT;

ALTER TABLE "WebSession" ADD COLUMN "timeZone" TEXT;
