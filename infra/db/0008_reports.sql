-- Reports: one row per enforcement team and local day recording the daily e-mail report's delivery, so a report is
-- sent once (`airq report send` and `airq report worker` skip a team and day already sent unless --force is given).
CREATE TABLE report_deliveries (
    team_id          text NOT NULL REFERENCES enforcement_teams ON DELETE CASCADE,
    day              date NOT NULL,
    message_id       text NOT NULL,
    status           text NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    attempts         integer NOT NULL CHECK (attempts >= 0),
    last_error       text,
    recipients       text[] NOT NULL,
    subject          text NOT NULL,
    started_at       timestamptz NOT NULL,
    sent_at          timestamptz,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (team_id, day)
);
COMMENT ON TABLE report_deliveries IS 'Delivery of the daily report of one enforcement team for one local day: the latest send (a forced re-send replaces the row).';
COMMENT ON COLUMN report_deliveries.team_id IS 'The enforcement_teams team the report went to.';
COMMENT ON COLUMN report_deliveries.day IS 'The local day the report covers (in the Reports:TimeZone time zone, Asia/Shanghai by default), not the day it was sent.';
COMMENT ON COLUMN report_deliveries.message_id IS 'The Message-ID header of the e-mail, with its angle brackets; kept across the retries of one send, new for a forced re-send.';
COMMENT ON COLUMN report_deliveries.status IS 'sending: a sender has claimed the report and is trying (a claim older than the Reports:ClaimTimeout is taken over); sent: the SMTP server accepted the message; failed: every attempt failed, or the server refused it permanently (5xx).';
COMMENT ON COLUMN report_deliveries.attempts IS 'SMTP attempts made for this send, counting the successful one.';
COMMENT ON COLUMN report_deliveries.last_error IS 'The last failure: SMTP status code and the server''s text, or the connection error; NULL when the first attempt succeeded.';
COMMENT ON COLUMN report_deliveries.recipients IS 'The addresses the message was sent to (enforcement_teams.recipient_emails at the time).';
COMMENT ON COLUMN report_deliveries.subject IS 'The e-mail''s subject, decoded.';
COMMENT ON COLUMN report_deliveries.started_at IS 'When this send was claimed (first attempt).';
COMMENT ON COLUMN report_deliveries.sent_at IS 'When the SMTP server accepted the message; NULL unless status is sent.';
COMMENT ON COLUMN report_deliveries.updated_at IS 'When the row last changed (each attempt updates it).';
