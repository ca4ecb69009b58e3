-- The language of the conversation a person asks for a sign-in link from (issue 20): the web
-- view's language for them until they choose one in the browser. Null: none known (the browser's
-- Accept-Language, else DEFAULT_LANGUAGE).
ALTER TABLE "WebSignInLink" ADD COLUMN "language" TEXT;

ALTER TABLE "WebSession" ADD COLUMN "language" TEXT;
